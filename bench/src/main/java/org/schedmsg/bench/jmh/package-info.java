/**
 * JMH micro-benchmarks of the scheduler's hot paths, each against a peer measured in the same run:
 *
 * <ul>
 *   <li>{@link org.schedmsg.bench.jmh.DueIndexKeyBenchmark}: encoding and decoding of the {@code
 *       due-index} key, against a text key;
 *   <li>{@link org.schedmsg.bench.jmh.DueIndexScanBenchmark}: one release scan of the in-memory
 *       {@code due-index}, with the message lookups in the real RocksDB {@code messages} store,
 *       against a visit of the whole index.
 * </ul>
 *
 * <p>The JMH annotation processor (jmh-generator-annprocess, provided scope) generates the harness
 * classes and {@code META-INF/BenchmarkList} when the module compiles. Run them with JMH's own main
 * class, from the reactor root:
 *
 * <pre>{@code
 * mvn -B -q -o -pl bench package -DskipTests
 * java -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
 *   org.openjdk.jmh.Main 'org.schedmsg.bench.jmh.*'
 * }</pre>
 *
 * <p>The classes' annotations set one fork and the iterations (key benchmarks 3 x 1 s warm-up, 5 x
 * 1 s measured; scan benchmark 5 x 2 s and 5 x 2 s, about 2 minutes in all); {@code -f}, {@code
 * -wi}, {@code -i} override them. {@code -l} lists the benchmarks, {@code -p farFuture=1000000}
 * changes the backlog of the scan benchmark, {@code -rf json -rff results.json} keeps the results.
 * {@code JmhSmokeTest} runs every benchmark once in-process at a tiny size so that the harness
 * cannot rot; it asserts no timing.
 */
package org.schedmsg.bench.jmh;
