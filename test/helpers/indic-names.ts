/** Customer names in Indian scripts whose spelling depends on joiners and combining marks. */
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
