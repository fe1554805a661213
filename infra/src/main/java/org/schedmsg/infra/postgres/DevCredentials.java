package org.schedmsg.infra.postgres;

/**
 * Credentials of the local embedded PostgreSQL only (documented in the README). The embedded server
 * listens on localhost; production passwords come from the environment.
 */
public final class DevCredentials {
  public static final String OWNER_USER = "postgres";
  public static final String OWNER_PASSWORD = "postgres";
  public static final String INGESTOR_USER = "schedmsg_ingestor";
  public static final String INGESTOR_PASSWORD = "dev-ingestor";
  public static final String SENDER_USER = "schedmsg_sender";
  public static final String SENDER_PASSWORD = "dev-sender";

  private DevCredentials() {}
}
