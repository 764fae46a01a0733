import assert from 'node:assert/strict';
import { inheritedSockets } from './activation.js';

describe('systemd socket activation', () => {
  it('maps the passed fds from 3 on by their names', () => {
    const m = inheritedSockets({ LISTEN_FDS: '3', LISTEN_PID: '77', LISTEN_FDNAMES: 'tcp:udp:local' }, 77);
    assert.deepEqual([...m], [['tcp', 3], ['udp', 4], ['local', 5]]);
  });

  it('ignores sockets meant for another process, or none at all', () => {
    assert.equal(inheritedSockets({ LISTEN_FDS: '2', LISTEN_PID: '78', LISTEN_FDNAMES: 'a:b' }, 77).size, 0);
    assert.equal(inheritedSockets({}, 77).size, 0);
    assert.equal(inheritedSockets({ LISTEN_FDS: 'x', LISTEN_PID: '77' }, 77).size, 0);
  });

  it('names unnamed fds fd3, fd4 ... and keeps the first of a repeated name', () => {
    const m = inheritedSockets({ LISTEN_FDS: '3', LISTEN_PID: '5', LISTEN_FDNAMES: 'tcp:tcp' }, 5);
    assert.deepEqual([...m], [['tcp', 3], ['fd5', 5]]);
  });
});
