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

  /**
   * The operator CLI's role; on the plaintext local stack trusted on loopback (the CLI has no
   * default password), with TLS it logs in with this password and its client certificate.
   */
  public static final String OPERATOR_USER = "schedmsg_operator";

  public static final String OPERATOR_PASSWORD = "dev-operator";

  /** The role of {@code ./schedmsg schedule} (an upstream service's writes); as the operator's. */
  public static final String UPSTREAM_USER = "schedmsg_upstream";

  public static final String UPSTREAM_PASSWORD = "dev-upstream";

  private DevCredentials() {}
}
