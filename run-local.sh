#!/usr/bin/env bash
# Builds everything and runs the whole pipeline locally on embedded defaults:
# PostgreSQL on localhost:15432, Kafka on localhost:19092, sandbox Telegram on :18081 and
# WhatsApp on :18082 (unless TELEGRAM_BOT_TOKEN / WHATSAPP_ACCESS_TOKEN are set), data in ./.local.
# Ports and the data directory are overridable (see README.md). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install
mvn -B -q -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java ${JAVA_OPTS:--Xmx1g} -Dlogback.configurationFile=pipeline/target/classes/logback.xml -cp "pipeline/target/classes:$(cat pipeline/target/classpath.txt)" \
  org.schedmsg.pipeline.LocalPipelineApp
