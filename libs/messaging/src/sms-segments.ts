const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
}

/** How an SMS body is encoded and into how many segments it splits (what the lender pays for). */
export function smsLength(body: string): SmsLength {
  let units = 0;
  let gsm = true;
  for (const char of body) {
    if (GSM7_BASIC.includes(char)) units += 1;
    else if (GSM7_EXTENDED.includes(char)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  const ucs2 = body.length; // UTF-16 code units
  return { encoding: 'UCS-2', units: ucs2, segments: ucs2 <= 70 ? 1 : Math.ceil(ucs2 / 67) };
}
