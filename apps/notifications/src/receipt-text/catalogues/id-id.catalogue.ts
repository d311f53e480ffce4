import { endSentence, ReceiptCatalogue } from '../receipt-catalogue';

const kepada = (name: string | undefined): string => (name === undefined ? '' : ` kepada ${name}`);
const dari = (name: string | undefined): string => (name === undefined ? '' : ` dari ${name}`);
const bankOf = (name: string | undefined, nobody: string): string => (name === undefined ? nobody : `Bank ${name}`);

/**
 * Indonesian as Indonesian banking apps write it: "Anda" for the user, "dana" for the money in an
 * account, "PIN UPI" in Indonesian word order, "merchant" and "refund" as the apps keep them.
 */
export const ID_ID: ReceiptCatalogue = {
  messages: {
    'payment.pending': {
      payer: ({ amount, counterparty }) => ({
        title: 'Pembayaran diproses',
        body: `Pembayaran Anda sebesar ${amount}${kepada(counterparty)} sedang diproses. Kami akan memberi tahu Anda segera setelah bank Anda mengonfirmasinya; jangan membayar ulang sementara itu.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Pembayaran diproses',
        body: `Pembayaran sebesar ${amount}${dari(counterparty)} sedang diproses. Tunggu konfirmasinya sebelum menyerahkan pesanan.`,
      }),
    },
    'payment.completed': {
      payer: ({ amount, counterparty }) => ({ title: 'Pembayaran terkirim', body: endSentence(`Anda membayar ${amount}${kepada(counterparty)}`) }),
      payee: ({ amount, counterparty }) => ({ title: 'Pembayaran diterima', body: endSentence(`Anda menerima ${amount}${dari(counterparty)}`) }),
      merchant: ({ amount, counterparty }) => ({ title: 'Pembayaran diterima', body: `${counterparty ?? 'Seorang pelanggan'} membayar ${amount}.` }),
    },
    'payment.failed': {
      payer: ({ amount, counterparty, reason, moneyTaken }) => ({
        title: 'Pembayaran gagal',
        body:
          `Pembayaran Anda sebesar ${amount}${kepada(counterparty)} gagal. Alasan: ${reason}. ` +
          (moneyTaken === 'no' ? 'Tidak ada dana yang terpotong dari rekening Anda.' : 'Jika dana terpotong dari rekening Anda, dana akan dikembalikan.'),
      }),
      merchant: ({ amount, counterparty, resultCode }) => ({
        title: 'Pembayaran gagal',
        body: `Pembayaran sebesar ${amount}${dari(counterparty)} tidak berhasil${resultCode === undefined ? '' : ` (kode respons ${resultCode})`}. Pesanan belum dibayar.`,
      }),
    },
    'payment.deemed': {
      payer: ({ amount, counterparty, unansweredLeg, reversalDueBy }) => ({
        title: 'Pembayaran belum terkonfirmasi',
        body:
          unansweredLeg === 'debit'
            ? `Bank Anda tidak merespons tepat waktu atas pembayaran Anda sebesar ${amount}${kepada(counterparty)}, sehingga pembayaran tidak diselesaikan. Jika dana terpotong dari rekening Anda, dana akan dikembalikan secara otomatis.`
            : `${bankOf(counterparty, 'Bank penerima')} tidak merespons tepat waktu, sehingga pembayaran Anda sebesar ${amount} tidak diselesaikan. ` +
              `Dana Anda sedang dikembalikan ke rekening Anda${reversalDueBy === undefined ? '' : ` paling lambat ${reversalDueBy}`}.`,
      }),
      merchant: ({ amount, counterparty, unansweredLeg }) => ({
        title: 'Pembayaran belum terkonfirmasi',
        body:
          unansweredLeg === 'debit'
            ? `${bankOf(counterparty, 'Bank pelanggan')} tidak mengonfirmasi pembayaran sebesar ${amount} tepat waktu, sehingga pembayaran tidak diselesaikan. Jangan serahkan pesanan berdasarkan pembayaran ini.`
            : `Bank Anda tidak mengonfirmasi tepat waktu bahwa pembayaran sebesar ${amount}${dari(counterparty)} telah masuk, sehingga pembayaran tidak diselesaikan dan dana pelanggan sedang dikembalikan.`,
      }),
    },
    'payment.reversed': {
      payer: ({ amount, counterparty }) => ({
        title: 'Dana dikembalikan',
        body: `Pembayaran Anda sebesar ${amount}${kepada(counterparty)} tidak dapat diselesaikan, sehingga dana telah dikembalikan ke rekening Anda.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Pembayaran dikembalikan ke pelanggan',
        body: `Pembayaran sebesar ${amount}${dari(counterparty)} tidak dapat diselesaikan, dan dana telah dikembalikan ke pelanggan. Pesanan belum dibayar.`,
      }),
    },
    'payment.reversal-failed': {
      payer: ({ amount, counterparty, reversalDueBy }) => ({
        title: 'Pengembalian dana tertunda',
        body:
          `Pembayaran Anda sebesar ${amount}${kepada(counterparty)} tidak dapat diselesaikan, dan pengembalian dana ke rekening Anda memakan waktu lebih lama dari biasanya. ` +
          `Kami sedang mencobanya lagi${reversalDueBy === undefined ? '' : `; dana harus kembali paling lambat ${reversalDueBy}`}. Kami akan memberi tahu Anda setelah dana kembali.`,
      }),
    },
    'refund.completed': {
      payer: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Refund diterima',
        body:
          coverage === 'full'
            ? `${counterparty ?? 'Merchant'} mengembalikan seluruh pembayaran Anda sebesar ${amount}.`
            : `${counterparty ?? 'Merchant'} mengembalikan ${amount} dari pembayaran Anda sebesar ${paidAmount}.`,
      }),
      merchant: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Refund selesai',
        body:
          coverage === 'full'
            ? endSentence(`Anda telah mengembalikan seluruh pembayaran sebesar ${amount}${kepada(counterparty)}`)
            : endSentence(`Anda telah mengembalikan ${amount} dari pembayaran sebesar ${paidAmount}${kepada(counterparty)}`),
      }),
    },
    'collect.waiting': {
      payer: ({ amount, counterparty, expiresAt }) => ({
        title: 'Permintaan pembayaran',
        body:
          `${counterparty !== undefined ? `${counterparty} meminta Anda membayar ${amount}.` : `Anda diminta membayar ${amount}.`} Untuk membayar, setujui permintaan ini di aplikasi dengan PIN UPI Anda sebelum ${expiresAt}; jika tidak, tolak. ` +
          'Memasukkan PIN UPI selalu berarti mengirim uang dari rekening Anda: Anda tidak pernah memerlukannya untuk menerima uang.',
      }),
    },
    'collect.expired': {
      payer: ({ amount, counterparty }) => ({
        title: 'Permintaan pembayaran kedaluwarsa',
        body: `${endSentence(`Permintaan sebesar ${amount}${dari(counterparty)} kedaluwarsa sebelum Anda menjawab`)} Tidak ada dana yang terpotong dari rekening Anda.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Permintaan pembayaran kedaluwarsa',
        body: `Permintaan Anda sebesar ${amount}${kepada(counterparty)} kedaluwarsa tanpa jawaban. Kirim permintaan baru jika pelanggan masih ingin membayar.`,
      }),
    },
    'collect.declined': {
      payer: ({ amount, counterparty }) => ({
        title: 'Permintaan pembayaran ditolak',
        body: `${endSentence(`Anda menolak permintaan sebesar ${amount}${dari(counterparty)}`)} Tidak ada dana yang terpotong dari rekening Anda.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Permintaan pembayaran ditolak',
        body: `${counterparty ?? 'Pelanggan'} menolak permintaan Anda sebesar ${amount}.`,
      }),
    },
  },
  failureReasons: {
    '00': 'bank tidak mengonfirmasi pembayaran',
    '01': 'bank tidak mengonfirmasi pembayaran tepat waktu',
    Z9: 'saldo tidak mencukupi',
    ZM: 'PIN UPI salah',
    Z6: 'terlalu banyak percobaan PIN UPI yang salah',
    Z8: 'jumlah melebihi batas per transaksi',
    Z7: 'batas jumlah transaksi telah tercapai',
    FL: 'jumlah melebihi batas untuk perangkat yang baru didaftarkan',
    FP: 'total melebihi batas 24 jam pertama di perangkat baru',
    U11: 'PIN UPI belum dibuat untuk rekening Anda; buat PIN terlebih dahulu',
    U12: 'PIN UPI dimasukkan untuk jumlah yang berbeda',
    U14: 'PIN UPI tidak dapat diverifikasi; silakan coba lagi',
    U30: 'bank Anda tidak dapat mendebit rekening Anda',
    U31: 'bank penerima tidak dapat mengkreditkan dana',
    U67: 'bank Anda tidak merespons tepat waktu',
    U68: 'bank penerima tidak merespons tepat waktu',
    U69: 'permintaan pembayaran kedaluwarsa sebelum disetujui',
    RB: 'bank Anda tidak mengonfirmasi pengembalian dana tepat waktu; sedang dicoba lagi',
    ZH: 'alamat pembayaran tidak valid',
    XH: 'rekening bank Anda tidak ditemukan',
    XI: 'rekening bank penerima tidak ditemukan',
    YE: 'rekening bank Anda dibekukan',
    YF: 'rekening bank penerima dibekukan',
    XY: 'bank Anda sedang tidak tersedia',
    Y1: 'bank penerima sedang tidak tersedia',
  },
  unknownFailureReason: 'pembayaran tidak dapat diselesaikan',
  labels: {
    note: 'Catatan',
    transactionId: 'ID transaksi UPI',
    upiReference: 'No. referensi UPI',
    paymentId: 'ID pembayaran',
    merchantReference: 'Referensi merchant',
    requestReference: 'Referensi permintaan',
  },
};
