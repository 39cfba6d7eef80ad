/**
 * The reference point of the inbound benchmark: a bare node:http server that reads each webhook body completely
 * and answers 200, with no framework, signature check or database. What Tsunagi achieves is reported as a ratio
 * of this, measured with the same load generator and bodies in the same run. Run as its own process:
 * `node bin/run-ts.js bench/lib/bare-server.ts <port>`.
 */
import http from 'node:http';

const port = Number(process.argv[2]);
const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    res.writeHead(bytes > 0 ? 200 : 400, { 'content-type': 'text/plain' });
    res.end('OK');
  });
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`bare server listening on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
