import qrcode from 'qrcode-generator';

/**
 * A QR code of `text` as an SVG document (qrcode-generator: byte mode, error correction M, the
 * smallest version that fits), 4 px a module with the standard's four-module quiet zone, so a
 * phone camera reads it from an invoice or a screen.
 */
export function qrCodeSvg(text: string): string {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  return `<?xml version="1.0" encoding="UTF-8"?>\n${code.createSvgTag({ cellSize: 4, margin: 16 })}\n`;
}
