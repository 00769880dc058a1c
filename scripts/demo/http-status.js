'use strict';
// The HTTP status of a GET on loopback, or 0 when nothing answers (within 2 s): how the demo
// and the screenshot script tell whether Node-RED is up.
const http = require('http');

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

module.exports = { httpStatus };
