import twilio from 'twilio';
import { TwilioSmsWebhooks } from './twilio.sms-webhooks';

const SID = `SM${'a'.repeat(32)}`;
const config = {
  accountSid: 'AC' + '0'.repeat(32),
  authToken: 'token',
  from: '+15005550006',
  messagingServiceSid: null,
  apiBaseUrl: null,
};

describe('TwilioSmsWebhooks', () => {
  const hooks = new TwilioSmsWebhooks(config, 'https://feedback.lender.test');

  it('reads Twilio statuses into ours, with the failure reason prefixed by the provider', () => {
    expect(hooks.parseStatus({ MessageSid: SID, MessageStatus: 'read' })).toEqual({
      providerMessageId: SID,
      status: 'delivered',
      errorCode: null,
      failureReason: 'twilio:delivered',
    });
    expect(
      hooks.parseStatus({ MessageSid: SID, MessageStatus: 'undelivered', ErrorCode: '30003' }),
    ).toMatchObject({
      status: 'undelivered',
      errorCode: '30003',
      failureReason: 'twilio:30003',
    });
    expect(hooks.parseStatus({ MessageSid: SID, MessageStatus: 'exploded' })).toBeNull();
    expect(hooks.parseStatus({ MessageSid: 'SM1', MessageStatus: 'sent' })).toBeNull();
  });

  it('reads an inbound reply, refusing a malformed sid or sender', () => {
    expect(hooks.parseInbound({ MessageSid: SID, From: '+79991234567', Body: ' 4 ' })).toEqual({
      messageSid: SID,
      from: '+79991234567',
      body: ' 4 ',
    });
    expect(hooks.parseInbound({ MessageSid: SID, From: '8 999 123', Body: '4' })).toBeNull();
  });

  it('checks the signature against the public URL, and refuses all without Twilio configured', () => {
    const params = { MessageSid: SID, From: '+79991234567', Body: '4' };
    const signature = twilio.getExpectedTwilioSignature(
      'token',
      'https://feedback.lender.test/webhooks/twilio/inbound',
      params,
    );
    expect(hooks.verify(signature, '/webhooks/twilio/inbound', params)).toBe(true);
    expect(hooks.verify(signature, '/webhooks/twilio/status', params)).toBe(false);
    expect(
      new TwilioSmsWebhooks(null, 'https://feedback.lender.test').verify(
        signature,
        '/webhooks/twilio/inbound',
        params,
      ),
    ).toBe(false);
  });

  it('answers in TwiML with the text escaped', () => {
    expect(hooks.replyTo('<b>"Спасибо" & всё</b>').body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>&#60;b&#62;&#34;Спасибо&#34; &#38; всё&#60;/b&#62;</Message></Response>',
    );
    expect(hooks.replyTo(null).body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(hooks.statusCallbackUrl()).toBe('https://feedback.lender.test/webhooks/twilio/status');
  });
});
