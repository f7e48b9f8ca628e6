/**
 * Names in Indian scripts keep their spelling: zero-width joiners and non-joiners, virama, nukta and vowel
 * signs (combining marks) all survive normalisation; only the encoding is made canonical (NFC).
 */
import { describe, expect, it } from 'vitest';
import { checkCell } from '../../../src/ingest/validate/field-rules.js';
import { cleanText } from '../../../src/ingest/validate/normalise.js';
import { INDIC_NAMES } from '../../helpers/indic-names.js';

describe('Indic names keep their letters', () => {
  it.each(INDIC_NAMES)('$script: $name reaches the payload as written', ({ name }) => {
    expect(cleanText(`  ${name}  `)).toBe(name);
    expect(checkCell('legalName', name)).toMatchObject({ ok: true, value: name });
  });

  it('keeps ZWJ and ZWNJ inside and at the end of words', () => {
    const value = cleanText('അവന്\u200d  ട്രേ\u200cഡേഴ്സ്');
    expect(value).toContain('\u200d');
    expect(value).toContain('\u200c');
    expect(value).toBe('അവന്\u200d ട്രേ\u200cഡേഴ്സ്');
  });

  it('composes a decomposed name (NFC) without changing its letters', () => {
    // क़ written as क + nukta is composed the canonical way; it is the same letter.
    const decomposed = 'Ra\u0301j क\u093c';
    const cleaned = cleanText(decomposed);
    expect(cleaned).toBe(decomposed.normalize('NFC'));
    expect(cleaned.normalize('NFD')).toBe(decomposed.normalize('NFD'));
  });

  it('never folds compatibility forms (NFKC would change the letters)', () => {
    expect(cleanText('ﬁrm Ｔraders')).toBe('ﬁrm Ｔraders');
  });

  it('still drops a zero-width space and a stray BOM', () => {
    expect(cleanText('Ac\u200bme\ufeff')).toBe('Acme');
  });
});
