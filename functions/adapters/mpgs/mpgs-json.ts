/**
 * MPGS writes amounts as JSON numbers with the currency's decimals (`"amount":14.125`). A float
 * cannot hold every such amount exactly, so its answers are parsed with every number kept as the
 * text it was written as: money stays a decimal string from the wire to our session.
 */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      // Copy the string as is, escapes included.
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      if (!match) throw new SyntaxError('Malformed number in the gateway answer.');
      out += `"${match[0]}"`;
      i += match[0].length;
    } else {
      out += char;
      i++;
    }
  }
  return JSON.parse(out);
}
