package org.schedmsg.sender.whatsapp.client;

import java.util.Map;

/**
 * The Cloud API error codes the sender knows, by class; the module README has the same table. Codes
 * from Meta's "WhatsApp error codes" reference (Cloud API v23.0) and the Graph API error shapes in
 * {@code whatsapp-business-messaging-api_v23.0.yaml}.
 */
public final class WhatsAppErrorCodes {

  /** How a code is handled. */
  public enum ErrorClass {
    /** Throughput or pair/spam limits: retry after the scheduler's backoff. */
    RATE_LIMITED,
    /** Meta-side trouble (unknown, unavailable, maintenance): retry. */
    TRANSIENT,
    /**
     * The token or the business account cannot send at all (expired token, missing permission,
     * locked or restricted account): fatal for the platform. Retryable for now; pausing the sender
     * on it is a later issue.
     */
    ACCESS,
    /** This message can never be delivered as it is: fail it. */
    PERMANENT
  }

  private static final Map<Integer, ErrorClass> CODES =
      Map.ofEntries(
          // rate limits
          Map.entry(4, ErrorClass.RATE_LIMITED), // API too many calls
          Map.entry(17, ErrorClass.RATE_LIMITED), // user request limit reached
          Map.entry(613, ErrorClass.RATE_LIMITED), // calls exceeded the rate limit
          Map.entry(80007, ErrorClass.RATE_LIMITED), // WABA rate limit issues
          Map.entry(130429, ErrorClass.RATE_LIMITED), // Cloud API throughput reached
          Map.entry(131048, ErrorClass.RATE_LIMITED), // spam rate limit hit
          Map.entry(131056, ErrorClass.RATE_LIMITED), // (business, consumer) pair rate limit hit
          // Meta-side trouble
          Map.entry(1, ErrorClass.TRANSIENT), // API unknown
          Map.entry(2, ErrorClass.TRANSIENT), // API service temporarily unavailable
          Map.entry(131000, ErrorClass.TRANSIENT), // something went wrong
          Map.entry(131016, ErrorClass.TRANSIENT), // service unavailable
          Map.entry(131049, ErrorClass.TRANSIENT), // not delivered to keep engagement healthy
          Map.entry(131057, ErrorClass.TRANSIENT), // business account in maintenance mode
          Map.entry(133004, ErrorClass.TRANSIENT), // server temporarily unavailable
          // the token or the account cannot send at all
          Map.entry(0, ErrorClass.ACCESS), // AuthException
          Map.entry(3, ErrorClass.ACCESS), // API method / capability
          Map.entry(10, ErrorClass.ACCESS), // permission denied
          Map.entry(190, ErrorClass.ACCESS), // access token expired or invalid
          Map.entry(368, ErrorClass.ACCESS), // temporarily blocked for policy violations
          Map.entry(131005, ErrorClass.ACCESS), // access denied
          Map.entry(131031, ErrorClass.ACCESS), // business account locked
          Map.entry(131042, ErrorClass.ACCESS), // business eligibility / payment issue
          Map.entry(133010, ErrorClass.ACCESS), // business phone number not registered
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
          Map.entry(131047, ErrorClass.PERMANENT), // re-engagement: 24 h since the last reply
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
      return ErrorClass.ACCESS; // API permission
    }
    return CODES.get(code);
  }

  static Map<Integer, ErrorClass> table() {
    return CODES;
  }
}
