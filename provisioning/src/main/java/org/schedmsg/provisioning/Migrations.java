package org.schedmsg.provisioning;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the schema migrations in {@code db/migration} (the only source of the schema). */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  public static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /** Migrates the database behind {@code dataSource} (connected as the table owner). */
  public static MigrateResult apply(DataSource dataSource) {
    MigrateResult result = configure(dataSource).load().migrate();
    log.info(
        "schema at version {} ({} migrations applied)",
        result.targetSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  /** The Flyway configuration every caller uses (tests add a target or clean settings). */
  public static FluentConfiguration configure(DataSource dataSource) {
    FluentConfiguration config =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations(LOCATION);
    // A transaction-scoped advisory lock would make CREATE INDEX CONCURRENTLY wait for Flyway's
    // own open transaction forever; use the session-level lock instead.
    config
        .getConfigurationExtension(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    return config;
  }
}
