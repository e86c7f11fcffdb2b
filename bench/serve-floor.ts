import { createServer } from 'node:http';

// Child process for http-throughput: the floor, a bare node:http server with the same JSON.
const body = process.env.FLOOR_BODY ?? '{}';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ url: `http://127.0.0.1:${port}/` });
});
