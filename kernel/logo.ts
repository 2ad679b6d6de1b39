import { crc32, deflateSync } from "node:zlib";

/**
 * The kernel logo, drawn in code so the kernelspec needs no binary assets:
 * two parallel bars (threads on one machine) beside two linked dots (nodes on a network).
 */
function pixel(size: number, x: number, y: number): [number, number, number, number] {
  const u = x / size;
  const v = y / size;
  const background: [number, number, number, number] = [31, 78, 121, 255];
  const light: [number, number, number, number] = [255, 255, 255, 255];
  const accent: [number, number, number, number] = [255, 193, 7, 255];
  const inBar = (left: number) => u >= left && u < left + 0.1 && v >= 0.2 && v < 0.8;
  if (inBar(0.16) || inBar(0.34)) return light;
  const dot = (cx: number, cy: number) => (u - cx) ** 2 + (v - cy) ** 2 < 0.012;
  if (dot(0.66, 0.3) || dot(0.8, 0.7)) return accent;
  const t = (v - 0.3) / 0.4;
  if (t >= 0 && t <= 1 && Math.abs(u - (0.66 + 0.14 * t)) < 0.025) return accent;
  return background;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

export function logoPng(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixel(size, x, y), 1 + x * 4);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="8" fill="#1f4e79"/>
<rect x="10" y="13" width="6" height="38" fill="#fff"/><rect x="22" y="13" width="6" height="38" fill="#fff"/>
<line x1="42" y1="19" x2="51" y2="45" stroke="#ffc107" stroke-width="3"/>
<circle cx="42" cy="19" r="7" fill="#ffc107"/><circle cx="51" cy="45" r="7" fill="#ffc107"/>
</svg>
`;
