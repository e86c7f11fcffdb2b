import { brokenRules, importGraph } from '../../scripts/import-graph';

test('no two folders import each other; domain, use cases and Lambda code keep to their layers', () => {
  const edges = importGraph();
  expect(edges.size).toBeGreaterThan(10);
  expect(brokenRules(edges)).toEqual([]);
});

test('the rules catch a cycle, a domain import and Lambda code reaching the local runtime', () => {
  const edges = new Map([
    ['functions/app -> functions/adapters', 1],
    ['functions/adapters -> functions/app', 1],
    ['functions/domain -> functions/ports', 1],
    ['functions/handlers -> functions/local', 1],
  ]);
  expect(brokenRules(edges)).toEqual([
    'functions/adapters and functions/app import each other',
    'functions/domain imports functions/ports: the domain imports nothing outside itself',
    'functions/app imports functions/adapters: use cases know only the domain and the ports',
    'functions/handlers imports functions/local: Lambda code never imports the local runtime',
  ]);
});
