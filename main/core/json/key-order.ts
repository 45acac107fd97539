/**
 * Python sorts str keys by code point; JS `<` compares UTF-16 units. They differ only when a
 * surrogate is involved (U+FFFF < U+10000 in Python, the reverse in UTF-16), so compare units
 * and fall back to code points only at a difference that touches a surrogate.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ua = a.charCodeAt(i);
  const ub = b.charCodeAt(i);
  const touchesSurrogate =
    (ua >= 0xd800 && ua <= 0xdfff) ||
    (ub >= 0xd800 && ub <= 0xdfff) ||
    (i > 0 && a.charCodeAt(i - 1) >= 0xd800 && a.charCodeAt(i - 1) <= 0xdbff);
  if (!touchesSurrogate) return ua - ub;
  return compareCodePointArrays(a, b);
}

function compareCodePointArrays(a: string, b: string): number {
  // String iteration yields code points, with lone surrogates as single items, as Python sees them.
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const na = ia.next();
    const nb = ib.next();
    if (na.done || nb.done) return (na.done ? 0 : 1) - (nb.done ? 0 : 1);
    const ca = na.value.codePointAt(0) ?? 0;
    const cb = nb.value.codePointAt(0) ?? 0;
    if (ca !== cb) return ca - cb;
  }
}

/** UTF-16 code unit order, what RFC 8785 (JCS) requires for member names. */
export function compareUtf16Units(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
