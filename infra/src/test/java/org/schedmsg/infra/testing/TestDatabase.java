package org.schedmsg.infra.testing;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.infra.postgres.DevCredentials;

/** A fresh database of the shared test PostgreSQL, migrated with the real migrations. */
public record TestDatabase(String name, String jdbcUrl) {

  public String ownerUser() {
    return DevCredentials.OWNER_USER;
  }

  public String ownerPassword() {
    return DevCredentials.OWNER_PASSWORD;
  }

  public String senderUser() {
    return DevCredentials.SENDER_USER;
  }

  public String senderPassword() {
    return DevCredentials.SENDER_PASSWORD;
  }

  public String ingestorUser() {
    return DevCredentials.INGESTOR_USER;
  }

  public String ingestorPassword() {
    return DevCredentials.INGESTOR_PASSWORD;
  }

  public String operatorUser() {
    return DevCredentials.OPERATOR_USER;
  }

  public String operatorPassword() {
    return DevCredentials.OPERATOR_PASSWORD;
  }

  public String upstreamUser() {
    return DevCredentials.UPSTREAM_USER;
  }

  public String upstreamPassword() {
    return DevCredentials.UPSTREAM_PASSWORD;
  }

  /** Connections as the table owner (for test setup and assertions). */
  public DataSource dataSource() {
    return dataSource(ownerUser(), ownerPassword());
  }

  public DataSource dataSource(String user, String password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl);
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }
}
