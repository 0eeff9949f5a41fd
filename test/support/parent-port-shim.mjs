// Gives a plain Node child the `process.parentPort` that Electron's utilityProcess
// provides, over Node's own IPC channel, so the backend host's message protocol
// runs for real in tests (Electron's binary cannot be downloaded here).
process.parentPort = {
  on(event, listener) {
    if (event === 'message') process.on('message', (data) => listener({ data }));
  },
  postMessage(message) {
    process.send?.(message);
  },
};
