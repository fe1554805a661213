package org.schedmsg.sender.whatsapp.client;

import java.util.Map;

/**
 * The Cloud API error codes the sender knows, by class; the module README has the same table. Codes
 * from Meta's "WhatsApp error codes" reference (Cloud API v23.0) and the Graph API error shapes in
 * {@code whatsapp-business-messaging-api_v23.0.yaml}.
 */
public final class WhatsAppErrorCodes {

  /** How a code is handled; the sender-core error class each one maps to. */
  public enum ErrorClass {
    /** Throughput of the phone number or account: pause every send (RateLimited, platform). */
    RATE_LIMITED,
    /** Too many messages to one recipient: leave only that recipient alone (RateLimited). */
    RECIPIENT_RATE_LIMITED,
    /** Meta-side trouble (unknown, unavailable, maintenance): Retryable. */
    TRANSIENT,
    /**
     * The token, permission or account cannot send at all (expired token, missing permission,
     * locked, restricted or spam-limited account): Fatal, stop the platform.
     */
    FATAL,
    /** This message can never be delivered as it is: Permanent. */
    PERMANENT
  }

  private static final Map<Integer, ErrorClass> CODES =
      Map.ofEntries(
          // rate limits: pause the phone number
          Map.entry(4, ErrorClass.RATE_LIMITED), // API too many calls
          Map.entry(17, ErrorClass.RATE_LIMITED), // user request limit reached
          Map.entry(613, ErrorClass.RATE_LIMITED), // calls exceeded the rate limit
          Map.entry(80007, ErrorClass.RATE_LIMITED), // WABA rate limit issues
          Map.entry(130429, ErrorClass.RATE_LIMITED), // Cloud API throughput reached
          // rate limit of one (business, consumer) pair: back off that recipient only
          Map.entry(131056, ErrorClass.RECIPIENT_RATE_LIMITED),
          // Meta-side trouble
          Map.entry(1, ErrorClass.TRANSIENT), // API unknown
          Map.entry(2, ErrorClass.TRANSIENT), // API service temporarily unavailable
          Map.entry(131000, ErrorClass.TRANSIENT), // something went wrong
          Map.entry(131016, ErrorClass.TRANSIENT), // service unavailable
          Map.entry(131049, ErrorClass.TRANSIENT), // not delivered to keep engagement healthy
          Map.entry(131057, ErrorClass.TRANSIENT), // business account in maintenance mode
          Map.entry(133004, ErrorClass.TRANSIENT), // server temporarily unavailable
          // the token, permission or account cannot send at all: stop the platform
          Map.entry(0, ErrorClass.FATAL), // AuthException
          Map.entry(3, ErrorClass.FATAL), // API method / capability
          Map.entry(10, ErrorClass.FATAL), // permission denied
          Map.entry(190, ErrorClass.FATAL), // access token expired or invalid
          Map.entry(368, ErrorClass.FATAL), // temporarily blocked for policy violations
          Map.entry(131005, ErrorClass.FATAL), // access denied
          Map.entry(131031, ErrorClass.FATAL), // business account locked
          Map.entry(131042, ErrorClass.FATAL), // business eligibility / payment issue
          Map.entry(131048, ErrorClass.FATAL), // spam rate limit hit: the account is restricted
          Map.entry(133010, ErrorClass.FATAL), // business phone number not registered
          // this message cannot be delivered
          Map.entry(33, ErrorClass.PERMANENT), // parameter value is not valid
          Map.entry(100, ErrorClass.PERMANENT), // invalid parameter
          Map.entry(130472, ErrorClass.PERMANENT), // recipient is part of an experiment
          Map.entry(130497, ErrorClass.PERMANENT), // recipient's country is restricted
          Map.entry(131008, ErrorClass.PERMANENT), // required parameter missing
          Map.entry(131009, ErrorClass.PERMANENT), // parameter value invalid
          Map.entry(131021, ErrorClass.PERMANENT), // recipient cannot be the sender
          Map.entry(131026, ErrorClass.PERMANENT), // message undeliverable
          Map.entry(131030, ErrorClass.PERMANENT), // recipient not in the allowed list
          Map.entry(131047, ErrorClass.PERMANENT), // re-engagement: a template is required
          Map.entry(131051, ErrorClass.PERMANENT), // unsupported message type
          Map.entry(131052, ErrorClass.PERMANENT), // media download error
          Map.entry(131053, ErrorClass.PERMANENT)); // media upload error

  /** Template errors are the 132xxx range: all permanent. */
  static final int TEMPLATE_RANGE_START = 132000;

  static final int TEMPLATE_RANGE_END = 132999;

  private WhatsAppErrorCodes() {}

  /** The class of a known {@code code}, or null when the table does not list it. */
  public static ErrorClass classOf(int code) {
    if (code >= TEMPLATE_RANGE_START && code <= TEMPLATE_RANGE_END) {
      return ErrorClass.PERMANENT;
    }
    if (code >= 200 && code <= 299) {
      return ErrorClass.FATAL; // API permission
    }
    return CODES.get(code);
  }

  static Map<Integer, ErrorClass> table() {
    return CODES;
  }
}
