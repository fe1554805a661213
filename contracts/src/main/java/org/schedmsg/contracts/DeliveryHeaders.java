package org.schedmsg.contracts;

/** Header names on delivery records, so a consumer can route without parsing the body. */
public final class DeliveryHeaders {
  public static final String MESSAGE_ID = "schedmsg-message-id";
  public static final String PLATFORM = "schedmsg-platform";
  public static final String PRIORITY = "schedmsg-priority";
  public static final String ATTEMPTS = "schedmsg-attempts";
  public static final String SCHEMA_VERSION = "schedmsg-schema-version";

  private DeliveryHeaders() {}
}
