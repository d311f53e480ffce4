import type { ReceiptCatalogue } from '../receipt-catalogue';

// Hindi puts the other party before the amount ("प्रिया श. को ₹500.00 का भुगतान"), so the
// phrases carry their postposition and a trailing space, and are empty when nobody is named.
const ko = (name: string | undefined): string => (name === undefined ? '' : `${name} को `);
const se = (name: string | undefined): string => (name === undefined ? '' : `${name} से `);
const ka = (name: string | undefined): string => (name === undefined ? '' : `${name} का `);

/**
 * Hindi in Devanagari, in the words Indian banking apps use. "UPI" and "PIN" stay in Latin letters
 * as they do there; a sentence ends with the danda (।).
 */
export const HI_IN: ReceiptCatalogue = {
  messages: {
    'payment.pending': {
      payer: ({ amount, counterparty }) => ({
        title: 'भुगतान लंबित',
        body: `${ko(counterparty)}${amount} का आपका भुगतान प्रोसेस किया जा रहा है। बैंक से पुष्टि मिलते ही हम आपको बताएँगे; तब तक दोबारा भुगतान न करें।`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'भुगतान लंबित',
        body: `${counterparty ?? 'एक ग्राहक'} से ${amount} का भुगतान प्रोसेस किया जा रहा है। ऑर्डर सौंपने से पहले इसकी पुष्टि का इंतज़ार करें।`,
      }),
    },
    'payment.completed': {
      payer: ({ amount, counterparty }) => ({ title: 'भुगतान भेजा गया', body: `आपने ${ko(counterparty)}${amount} का भुगतान किया।` }),
      payee: ({ amount, counterparty }) => ({ title: 'भुगतान मिला', body: `आपको ${se(counterparty)}${amount} मिले।` }),
      merchant: ({ amount, counterparty }) => ({ title: 'भुगतान मिला', body: `${counterparty ?? 'एक ग्राहक'} ने ${amount} का भुगतान किया।` }),
    },
    'payment.failed': {
      payer: ({ amount, counterparty, reason, moneyTaken }) => ({
        title: 'भुगतान विफल',
        body:
          `${ko(counterparty)}${amount} का आपका भुगतान विफल रहा। कारण: ${reason}। ` +
          (moneyTaken === 'no' ? 'आपके खाते से कोई पैसा नहीं कटा।' : 'अगर आपके खाते से पैसा कटा है, तो वह वापस आ जाएगा।'),
      }),
      merchant: ({ amount, counterparty, resultCode }) => ({
        title: 'भुगतान विफल',
        body: `${counterparty ?? 'एक ग्राहक'} का ${amount} का भुगतान पूरा नहीं हुआ${resultCode === undefined ? '' : ` (रिज़ल्ट कोड ${resultCode})`}। ऑर्डर का भुगतान नहीं हुआ है।`,
      }),
    },
    'payment.deemed': {
      payer: ({ amount, counterparty, unansweredLeg, reversalDueBy }) => ({
        title: 'भुगतान की पुष्टि नहीं हुई',
        body:
          unansweredLeg === 'debit'
            ? `${ko(counterparty)}${amount} के आपके भुगतान पर आपके बैंक ने समय पर जवाब नहीं दिया, इसलिए यह भुगतान पूरा नहीं हुआ। अगर आपके खाते से पैसा कटा है, तो वह अपने-आप वापस आ जाएगा।`
            : `${counterparty ?? 'प्राप्तकर्ता'} के बैंक ने समय पर जवाब नहीं दिया, इसलिए ${amount} का आपका भुगतान पूरा नहीं हुआ। ` +
              `आपका पैसा आपके खाते में वापस भेजा जा रहा है${reversalDueBy === undefined ? '' : ` और ${reversalDueBy} तक वापस आ जाना है`}।`,
      }),
      merchant: ({ amount, counterparty, unansweredLeg }) => ({
        title: 'भुगतान की पुष्टि नहीं हुई',
        body:
          unansweredLeg === 'debit'
            ? `${counterparty ?? 'ग्राहक'} के बैंक ने ${amount} के भुगतान की समय पर पुष्टि नहीं की, इसलिए यह भुगतान पूरा नहीं हुआ। इस भुगतान के भरोसे ऑर्डर न सौंपें।`
            : `आपके बैंक ने ${counterparty === undefined ? '' : `${counterparty} से आए `}${amount} के भुगतान के जमा होने की समय पर पुष्टि नहीं की, इसलिए भुगतान पूरा नहीं हुआ और ग्राहक का पैसा वापस भेजा जा रहा है।`,
      }),
    },
    'payment.reversed': {
      payer: ({ amount, counterparty }) => ({
        title: 'पैसा वापस आया',
        body: `${ko(counterparty)}${amount} का आपका भुगतान पूरा नहीं हो सका, इसलिए पैसा आपके खाते में वापस भेज दिया गया है।`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'भुगतान ग्राहक को लौटाया गया',
        body: `${counterparty ?? 'एक ग्राहक'} का ${amount} का भुगतान पूरा नहीं हो सका और पैसा ग्राहक को लौटा दिया गया। ऑर्डर का भुगतान नहीं हुआ है।`,
      }),
    },
    'payment.reversal-failed': {
      payer: ({ amount, counterparty, reversalDueBy }) => ({
        title: 'पैसा वापसी में देरी',
        body:
          `${ko(counterparty)}${amount} का आपका भुगतान पूरा नहीं हो सका, और पैसा आपके खाते में वापस आने में सामान्य से ज़्यादा समय लग रहा है। ` +
          `हम फिर से कोशिश कर रहे हैं${reversalDueBy === undefined ? '' : `; इसे ${reversalDueBy} तक वापस आना है`}। पैसा वापस आते ही हम आपको बताएँगे।`,
      }),
    },
    'refund.completed': {
      payer: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'रिफ़ंड मिला',
        body:
          coverage === 'full'
            ? `${counterparty ?? 'मर्चेंट'} ने ${amount} के आपके भुगतान का पूरा रिफ़ंड कर दिया है।`
            : `${counterparty ?? 'मर्चेंट'} ने ${paidAmount} के आपके भुगतान में से ${amount} का रिफ़ंड किया है।`,
      }),
      merchant: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'रिफ़ंड पूरा हुआ',
        body:
          coverage === 'full'
            ? `आपने ${ko(counterparty)}${amount} के भुगतान का पूरा रिफ़ंड कर दिया।`
            : `आपने ${ko(counterparty)}${paidAmount} के भुगतान में से ${amount} का रिफ़ंड किया।`,
      }),
    },
    'collect.waiting': {
      payer: ({ amount, counterparty, expiresAt }) => ({
        title: 'भुगतान का अनुरोध',
        body:
          `${counterparty !== undefined ? `${counterparty} ने आपसे ${amount} का भुगतान माँगा है।` : `आपसे ${amount} का भुगतान माँगा गया है।`} भुगतान करने के लिए ${expiresAt} से पहले ऐप में अपने UPI PIN से इसे स्वीकार करें; नहीं तो इसे अस्वीकार करें। ` +
          'UPI PIN डालने पर आपके खाते से हमेशा पैसा जाता है: पैसा पाने के लिए PIN की कभी ज़रूरत नहीं होती।',
      }),
    },
    'collect.expired': {
      payer: ({ amount, counterparty }) => ({
        title: 'भुगतान अनुरोध की अवधि समाप्त',
        body: `${ka(counterparty)}${amount} का अनुरोध आपके जवाब देने से पहले समाप्त हो गया। आपके खाते से कोई पैसा नहीं कटा।`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'भुगतान अनुरोध की अवधि समाप्त',
        body: `${counterparty === undefined ? '' : `${counterparty} को भेजा गया `}${amount} का आपका अनुरोध बिना जवाब के समाप्त हो गया। अगर ग्राहक अब भी भुगतान करना चाहे, तो नया अनुरोध भेजें।`,
      }),
    },
    'collect.declined': {
      payer: ({ amount, counterparty }) => ({
        title: 'भुगतान अनुरोध अस्वीकार किया गया',
        body: `आपने ${ka(counterparty)}${amount} का अनुरोध अस्वीकार कर दिया। आपके खाते से कोई पैसा नहीं कटा।`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'भुगतान अनुरोध अस्वीकार किया गया',
        body: `${counterparty ?? 'ग्राहक'} ने ${amount} का आपका अनुरोध अस्वीकार कर दिया।`,
      }),
    },
  },
  failureReasons: {
    '00': 'बैंक ने भुगतान की पुष्टि नहीं की',
    '01': 'बैंक ने समय पर भुगतान की पुष्टि नहीं की',
    Z9: 'खाते में पर्याप्त बैलेंस नहीं है',
    ZM: 'UPI PIN गलत है',
    Z6: 'गलत UPI PIN डालने की सीमा पार हो गई है',
    Z8: 'राशि प्रति लेनदेन की सीमा से ज़्यादा है',
    Z7: 'भुगतानों की संख्या की सीमा पूरी हो गई है',
    FL: 'राशि नए रजिस्टर किए गए डिवाइस की सीमा से ज़्यादा है',
    FP: 'कुल राशि नए डिवाइस पर पहले 24 घंटों की सीमा से ज़्यादा है',
    U11: 'आपके खाते के लिए UPI PIN सेट नहीं है; पहले PIN सेट करें',
    U12: 'UPI PIN किसी दूसरी राशि के लिए डाला गया था',
    U14: 'UPI PIN की पुष्टि नहीं हो सकी; फिर से कोशिश करें',
    U30: 'आपका बैंक आपके खाते से राशि नहीं काट सका',
    U31: 'प्राप्तकर्ता का बैंक राशि जमा नहीं कर सका',
    U67: 'आपके बैंक ने समय पर जवाब नहीं दिया',
    U68: 'प्राप्तकर्ता के बैंक ने समय पर जवाब नहीं दिया',
    U69: 'भुगतान का अनुरोध स्वीकार होने से पहले ही समाप्त हो गया',
    RB: 'आपके बैंक ने समय पर पैसा वापसी की पुष्टि नहीं की; फिर से कोशिश की जा रही है',
    ZH: 'भुगतान पता (UPI ID) मान्य नहीं है',
    XH: 'आपका बैंक खाता नहीं मिला',
    XI: 'प्राप्तकर्ता का बैंक खाता नहीं मिला',
    YE: 'आपका बैंक खाता फ़्रीज़ है',
    YF: 'प्राप्तकर्ता का बैंक खाता फ़्रीज़ है',
    XY: 'आपका बैंक अभी उपलब्ध नहीं है',
    Y1: 'प्राप्तकर्ता का बैंक अभी उपलब्ध नहीं है',
  },
  unknownFailureReason: 'भुगतान पूरा नहीं हो सका',
  labels: {
    note: 'नोट',
    transactionId: 'UPI लेनदेन आईडी',
    upiReference: 'UPI संदर्भ संख्या',
    paymentId: 'भुगतान आईडी',
    merchantReference: 'मर्चेंट संदर्भ',
    requestReference: 'अनुरोध संदर्भ',
  },
};
