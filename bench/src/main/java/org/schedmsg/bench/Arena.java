package org.schedmsg.bench;

import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * What one contestant gets for one workload: a freshly migrated database of its own in the shared
 * PostgreSQL, the shared broker, and a fresh fake Telegram platform.
 *
 * @param messagesPerSecond the platform rate limit every contestant must respect when sending
 * @param releases where the contestant records when each message became available to its sending
 *     code (release lateness)
 */
record Arena(
    String jdbcUrl,
    DataSource owner,
    String bootstrapServers,
    String telegramBaseUrl,
    String telegramToken,
    int messagesPerSecond,
    Path workDir,
    ReleaseLog releases) {

  @Override
  public String toString() {
    return "Arena{jdbcUrl=" + jdbcUrl + ", workDir=" + workDir + '}';
  }
}
