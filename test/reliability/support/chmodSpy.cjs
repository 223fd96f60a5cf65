// Preloaded into a spawned daemon (node --require) to prove private files are created 0600 rather
// than created open and chmod'ed afterwards: every chmod-family call is appended, as one JSON line,
// to the file named by KEYSMITH_CHMOD_LOG. Plain CommonJS because it runs before any TypeScript tooling.
'use strict';
const fs = require('node:fs');

const logFile = process.env.KEYSMITH_CHMOD_LOG;
const append = fs.appendFileSync;
const record = (call, target, mode) => {
  if (logFile) append(logFile, JSON.stringify({ call, target: String(target), mode }) + '\n');
};

for (const name of ['chmod', 'chmodSync', 'lchmod', 'lchmodSync', 'fchmod', 'fchmodSync']) {
  const original = fs[name];
  if (typeof original !== 'function') continue;
  fs[name] = function (target, mode, ...rest) {
    record(name, target, mode);
    return original.call(this, target, mode, ...rest);
  };
}

const originalPromiseChmod = fs.promises.chmod;
fs.promises.chmod = function (target, mode) {
  record('promises.chmod', target, mode);
  return originalPromiseChmod.call(this, target, mode);
};

// FileHandle.prototype is not exported: patch it the first time a handle comes through fs.promises.open.
const originalOpen = fs.promises.open;
let handlePatched = false;
fs.promises.open = async function (...args) {
  const handle = await originalOpen.apply(this, args);
  if (!handlePatched) {
    handlePatched = true;
    const proto = Object.getPrototypeOf(handle);
    const originalHandleChmod = proto.chmod;
    proto.chmod = function (mode) {
      record('FileHandle.chmod', `fd:${this.fd}`, mode);
      return originalHandleChmod.call(this, mode);
    };
  }
  return handle;
};
