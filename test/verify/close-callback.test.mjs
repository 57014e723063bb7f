// session.close(callback): the callback is the program's own 'close' handler (Node registers
// it with once('close') for the program), as in the tutorial's own style of code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { project, verifyJson } from '../helpers/verify-fixtures.mjs';

test("a callback given to session.close() counts as the program's 'close' listener, at the close() call", { timeout: 60_000 }, async (t) => {
  const { code, json } = await verifyJson([project(t, 'close-callback'), '--timeout', '20000']);
  assert.equal(code, 0, `${json.reason}\n${json.stdout}\n${json.stderr}`);
  assert.match(json.summary, /listener \(index\.ts:9:19\) ran/);
  const added = json.timeline.find((entry) => entry.type === 'listener-added' && entry.event === 'close');
  assert.deepEqual({ target: added.target, side: added.side, location: added.location }, { target: 'session', side: 'server', location: 'index.ts:9:19' });
  assert.equal(json.stdout, 'session is closed\n');
});
