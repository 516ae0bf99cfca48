// The built book, served on a free loopback port for the browser checks (layout/ and search/).
// Plain Node, no dependencies: both checks import it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
    '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
    '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.wasm': 'application/wasm',
    '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/// Serves the folder `site` on 127.0.0.1 (port 0: the OS picks a free one). Returns the base URL
/// and the server (close it when done). Nothing outside `site` is served.
export async function serve(site) {
    const server = createServer(async (req, res) => {
        try {
            let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
            if (p.endsWith('/')) p += 'index.html';
            const file = path.join(site, path.normalize(p));
            if (!file.startsWith(site)) throw new Error('outside the site');
            const body = await readFile(file);
            res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
            res.end(body);
        } catch {
            res.writeHead(404);
            res.end('not found');
        }
    });
    await new Promise(r => server.listen(0, '127.0.0.1', r));
    return { base: `http://127.0.0.1:${server.address().port}/`, server };
}
