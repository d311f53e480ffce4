import { endSentence, ReceiptCatalogue } from '../receipt-catalogue';

const para = (name: string | undefined): string => (name === undefined ? '' : ` para ${name}`);
const de = (name: string | undefined): string => (name === undefined ? '' : ` de ${name}`);
const bankOf = (name: string | undefined, nobody: string): string => (name === undefined ? nobody : `O banco de ${name}`);

/**
 * Brazilian Portuguese as Brazilian banking apps write it: "você", "valor" for the money moved,
 * "lojista" for the merchant, "PIN UPI" in Portuguese word order.
 */
export const PT_BR: ReceiptCatalogue = {
  messages: {
    'payment.pending': {
      payer: ({ amount, counterparty }) => ({
        title: 'Pagamento em processamento',
        body: `Seu pagamento de ${amount}${para(counterparty)} está em processamento. Avisaremos assim que o seu banco confirmar; não pague de novo enquanto isso.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Pagamento em processamento',
        body: `Um pagamento de ${amount}${de(counterparty)} está em processamento. Aguarde a confirmação antes de entregar o pedido.`,
      }),
    },
    'payment.completed': {
      payer: ({ amount, counterparty }) => ({ title: 'Pagamento enviado', body: endSentence(`Você pagou ${amount}${para(counterparty)}`) }),
      payee: ({ amount, counterparty }) => ({ title: 'Pagamento recebido', body: endSentence(`Você recebeu ${amount}${de(counterparty)}`) }),
      merchant: ({ amount, counterparty }) => ({ title: 'Pagamento recebido', body: `${counterparty ?? 'Um cliente'} pagou ${amount}.` }),
    },
    'payment.failed': {
      payer: ({ amount, counterparty, reason, moneyTaken }) => ({
        title: 'Falha no pagamento',
        body:
          `Seu pagamento de ${amount}${para(counterparty)} não foi concluído. Motivo: ${reason}. ` +
          (moneyTaken === 'no' ? 'Nenhum valor foi debitado da sua conta.' : 'Se algum valor foi debitado da sua conta, ele será devolvido.'),
      }),
      merchant: ({ amount, counterparty, resultCode }) => ({
        title: 'Falha no pagamento',
        body: `Um pagamento de ${amount}${de(counterparty)} não foi concluído${resultCode === undefined ? '' : ` (código de resposta ${resultCode})`}. O pedido não foi pago.`,
      }),
    },
    'payment.deemed': {
      payer: ({ amount, counterparty, unansweredLeg, reversalDueBy }) => ({
        title: 'Pagamento não confirmado',
        body:
          unansweredLeg === 'debit'
            ? `Seu banco não respondeu a tempo sobre o pagamento de ${amount}${para(counterparty)}, por isso ele não foi concluído. Se algum valor foi debitado da sua conta, ele será devolvido automaticamente.`
            : `${bankOf(counterparty, 'O banco do recebedor')} não respondeu a tempo, por isso seu pagamento de ${amount} não foi concluído. ` +
              `Seu dinheiro está sendo devolvido para sua conta${reversalDueBy === undefined ? '' : ` até ${reversalDueBy}`}.`,
      }),
      merchant: ({ amount, counterparty, unansweredLeg }) => ({
        title: 'Pagamento não confirmado',
        body:
          unansweredLeg === 'debit'
            ? `${bankOf(counterparty, 'O banco do cliente')} não confirmou a tempo o pagamento de ${amount}, por isso ele não foi concluído. Não entregue o pedido com base neste pagamento.`
            : `Seu banco não confirmou a tempo o crédito do pagamento de ${amount}${de(counterparty)}, por isso o pagamento não foi concluído e o dinheiro do cliente está sendo devolvido.`,
      }),
    },
    'payment.reversed': {
      payer: ({ amount, counterparty }) => ({
        title: 'Dinheiro devolvido',
        body: `Seu pagamento de ${amount}${para(counterparty)} não pôde ser concluído, por isso o valor foi devolvido para sua conta.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Pagamento devolvido ao cliente',
        body: `Um pagamento de ${amount}${de(counterparty)} não pôde ser concluído, e o valor foi devolvido ao cliente. O pedido não foi pago.`,
      }),
    },
    'payment.reversal-failed': {
      payer: ({ amount, counterparty, reversalDueBy }) => ({
        title: 'Devolução atrasada',
        body:
          `Seu pagamento de ${amount}${para(counterparty)} não pôde ser concluído, e a devolução do valor para sua conta está demorando mais que o normal. ` +
          `Estamos tentando novamente${reversalDueBy === undefined ? '' : `; o prazo para a devolução é ${reversalDueBy}`}. Avisaremos quando o dinheiro voltar.`,
      }),
    },
    'refund.completed': {
      payer: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Reembolso recebido',
        body:
          coverage === 'full'
            ? `${counterparty ?? 'O lojista'} reembolsou integralmente seu pagamento de ${amount}.`
            : `${counterparty ?? 'O lojista'} reembolsou ${amount} do seu pagamento de ${paidAmount}.`,
      }),
      merchant: ({ amount, counterparty, paidAmount, coverage }) => ({
        title: 'Reembolso concluído',
        body:
          coverage === 'full'
            ? endSentence(`Você reembolsou integralmente o pagamento de ${amount}${de(counterparty)}`)
            : endSentence(`Você reembolsou ${amount} do pagamento de ${paidAmount}${de(counterparty)}`),
      }),
    },
    'collect.waiting': {
      payer: ({ amount, counterparty, expiresAt }) => ({
        title: 'Solicitação de pagamento',
        body:
          `${counterparty !== undefined ? `${counterparty} está pedindo que você pague ${amount}.` : `Você recebeu um pedido para pagar ${amount}.`} Para pagar, aprove no app com seu PIN UPI até ${expiresAt}; caso contrário, recuse. ` +
          'Digitar o PIN UPI sempre envia dinheiro da sua conta: você nunca precisa dele para receber dinheiro.',
      }),
    },
    'collect.expired': {
      payer: ({ amount, counterparty }) => ({
        title: 'Solicitação de pagamento expirada',
        body: `A solicitação de ${amount}${de(counterparty)} expirou antes da sua resposta. Nenhum valor foi debitado da sua conta.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Solicitação de pagamento expirada',
        body: `Sua solicitação de ${amount}${para(counterparty)} expirou sem resposta. Envie uma nova solicitação se o cliente ainda quiser pagar.`,
      }),
    },
    'collect.declined': {
      payer: ({ amount, counterparty }) => ({
        title: 'Solicitação de pagamento recusada',
        body: `${endSentence(`Você recusou a solicitação de ${amount}${de(counterparty)}`)} Nenhum valor foi debitado da sua conta.`,
      }),
      merchant: ({ amount, counterparty }) => ({
        title: 'Solicitação de pagamento recusada',
        body: `${counterparty ?? 'O cliente'} recusou sua solicitação de ${amount}.`,
      }),
    },
  },
  failureReasons: {
    '00': 'o banco não confirmou o pagamento',
    '01': 'o banco não confirmou o pagamento a tempo',
    Z9: 'saldo insuficiente',
    ZM: 'PIN UPI incorreto',
    Z6: 'muitas tentativas com PIN UPI incorreto',
    Z8: 'o valor está acima do limite por transação',
    Z7: 'o limite de quantidade de pagamentos foi atingido',
    FL: 'o valor está acima do limite para um dispositivo recém-cadastrado',
    FP: 'o total está acima do limite das primeiras 24 horas em um dispositivo novo',
    U11: 'não há PIN UPI cadastrado para sua conta; cadastre um primeiro',
    U12: 'o PIN UPI foi informado para outro valor',
    U14: 'não foi possível verificar o PIN UPI; tente novamente',
    U30: 'seu banco não conseguiu debitar sua conta',
    U31: 'o banco do recebedor não conseguiu creditar o valor',
    U67: 'seu banco não respondeu a tempo',
    U68: 'o banco do recebedor não respondeu a tempo',
    U69: 'a solicitação de pagamento expirou antes de ser aprovada',
    RB: 'seu banco não confirmou a devolução do seu dinheiro a tempo; estamos tentando novamente',
    ZH: 'o endereço de pagamento não é válido',
    XH: 'sua conta bancária não foi encontrada',
    XI: 'a conta bancária do recebedor não foi encontrada',
    YE: 'sua conta bancária está bloqueada',
    YF: 'a conta bancária do recebedor está bloqueada',
    XY: 'seu banco está indisponível no momento',
    Y1: 'o banco do recebedor está indisponível no momento',
  },
  unknownFailureReason: 'não foi possível concluir o pagamento',
  labels: {
    note: 'Observação',
    transactionId: 'ID da transação UPI',
    upiReference: 'Nº de referência UPI',
    paymentId: 'ID do pagamento',
    merchantReference: 'Referência do lojista',
    requestReference: 'Referência do pedido',
  },
};
