package org.schedmsg.pipeline.config;

/** A database user and password; {@link #toString()} hides the password. */
public record DatabaseLogin(String user, String password) {
  @Override
  public String toString() {
    return "DatabaseLogin{user=" + user + ", password=***}";
  }
}
