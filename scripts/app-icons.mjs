// Parley's app icons, drawn at build time (no image tools needed): a white speech bubble with three
// dots on the accent colour, as PNGs written with zlib. `rounded` leaves transparent corners (the
// plain icon); without it the colour fills the square, for a "maskable" icon the system crops itself.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA image (`pixels`: size × size × 4 bytes) as a PNG file. */
function encodePng(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, deflate, no filter, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Signed distance from (x, y) to a rounded rectangle centred at (cx, cy). */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const qx = Math.abs(x - cx) - halfW + radius;
  const qy = Math.abs(y - cy) - halfH + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Whether (x, y) lies in the triangle a, b, c. */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const side = (px, py, qx, qy) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = side(ax, ay, bx, by);
  const d2 = side(bx, by, cx, cy);
  const d3 = side(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** What colour the unit square shows at (x, y): 'clear', 'accent' or 'white'. */
function shapeAt(x, y, rounded) {
  if (rounded && roundedRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.22) > 0) return 'clear';
  const bubble =
    roundedRect(x, y, 0.5, 0.46, 0.29, 0.21, 0.12) <= 0 ||
    inTriangle(x, y, [0.3, 0.6], [0.26, 0.79], [0.47, 0.64]);
  if (!bubble) return 'accent';
  const dot = [0.38, 0.5, 0.62].some((dx) => Math.hypot(x - dx, y - 0.46) <= 0.045);
  return dot ? 'accent' : 'white';
}

/** The icon at `size` px in `accent` (`#rrggbb`), anti-aliased. */
export function drawIcon(size, accent, { rounded }) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16));
  const pixels = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Sampled 4 × 4 only where the pixel's corners disagree: on an edge.
      const corners = [0, 1].flatMap((cy) =>
        [0, 1].map((cx) => shapeAt((px + cx) / size, (py + cy) / size, rounded)),
      );
      const uniform = corners.every((shape) => shape === corners[0]);
      const n = uniform ? 1 : samples;
      let alpha = 0;
      let white = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const shape = uniform
            ? corners[0]
            : shapeAt((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, rounded);
          if (shape === 'clear') continue;
          alpha += 1;
          if (shape === 'white') white += 1;
        }
      }
      const at = (py * size + px) * 4;
      const w = alpha ? white / alpha : 0;
      pixels[at] = Math.round(r + (255 - r) * w);
      pixels[at + 1] = Math.round(g + (255 - g) * w);
      pixels[at + 2] = Math.round(b + (255 - b) * w);
      pixels[at + 3] = Math.round((255 * alpha) / (n * n));
    }
  }
  return encodePng(size, pixels);
}
