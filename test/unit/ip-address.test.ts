import { classifyAddress, mayCall, type AddressClass } from '../../functions/domain/ip-address';

const cases: Array<[string, AddressClass]> = [
  ['8.8.8.8', 'public'],
  ['93.184.216.34', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['::ffff:8.8.8.8', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['::1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['[::1]', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:192.168.0.1', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['fec0::1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'unspecified'],
  ['100.64.0.1', 'shared'],
  ['100.127.255.254', 'shared'],
  ['0.1.2.3', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['2001:db8::1', 'reserved'],
  ['2001::1', 'reserved'], // Teredo
  ['2002:7f00:1::1', 'reserved'], // 6to4 wrapping 127.0.0.1
  ['64:ff9b::7f00:1', 'reserved'], // NAT64 wrapping 127.0.0.1
  ['::127.0.0.1', 'reserved'], // IPv4-compatible
  ['100::1', 'reserved'],
  ['not-an-ip', 'invalid'],
  ['1.2.3', 'invalid'],
];

test.each(cases)('%s is %s', (ip, kind) => {
  expect(classifyAddress(ip)).toBe(kind);
});

test('only public addresses may be called, loopback only when allowed', () => {
  expect(mayCall('8.8.8.8', { allowLoopback: false })).toBe(true);
  expect(mayCall('127.0.0.1', { allowLoopback: false })).toBe(false);
  expect(mayCall('127.0.0.1', { allowLoopback: true })).toBe(true);
  expect(mayCall('::1', { allowLoopback: true })).toBe(true);
  expect(mayCall('10.0.0.1', { allowLoopback: true })).toBe(false);
  expect(mayCall('169.254.169.254', { allowLoopback: true })).toBe(false);
});
