/**
 * Names in Indian scripts keep their spelling: zero-width joiners and non-joiners, virama, nukta and vowel
 * signs (combining marks) all survive normalisation; only the encoding is made canonical (NFC).
 */
import { describe, expect, it } from 'vitest';
import { checkCell } from '../../../src/ingest/validate/field-rules.js';
import { cleanText } from '../../../src/ingest/validate/normalise.js';

/** Each name holds a ZWJ (U+200D) or ZWNJ (U+200C) inside a word, or combining marks. */
export const INDIC_NAMES: readonly { script: string; name: string }[] = [
  // Devanagari: ZWJ after virama asks for the half form of क.
  { script: 'Devanagari', name: 'शर्मा क्\u200dष ट्रेडर्स' },
  // Devanagari: ZWNJ after virama keeps the visible virama (no conjunct).
  { script: 'Devanagari', name: 'रामेश्\u200cवर एंटरप्राइजेज' },
  // Kannada: ZWJ before the virama'd ra keeps the repha form.
  { script: 'Kannada', name: 'ಕರ್\u200dನಾಟಕ ಸ್ಟೋರ್ಸ್' },
  // Malayalam: old-style chillu n (na + virama + ZWJ) at the end of a word.
  { script: 'Malayalam', name: 'അവന്\u200d ട്രേഡേഴ്സ്' },
  // Malayalam: ZWNJ between two consonant clusters.
  { script: 'Malayalam', name: 'കൃഷ്ണ\u200cന്‍ ഏജന്‍സീസ്' },
  // Tamil: vowel signs and pulli (combining marks), and a ZWNJ.
  { script: 'Tamil', name: 'முருகன்\u200c ஸ்டோர்ஸ்' },
  // Bengali: ZWJ makes ya-phala after ra instead of the repha.
  { script: 'Bengali', name: 'র\u200d্যাব টেক্সটাইলস' },
  // Bengali: khanda ta via ZWJ in older fonts, nukta-like combining marks.
  { script: 'Bengali', name: 'উৎ\u200cসব বস্ত্রালয়' },
];

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
