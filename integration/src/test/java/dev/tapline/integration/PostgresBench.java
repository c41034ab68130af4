package dev.tapline.integration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tap-postgres benchmark (run by {@code bench/postgres/tap-postgres.sh}, not a test): starts an
 * embedded PostgreSQL 17, fills a table shaped like the bench CSV, and measures with GNU time, each
 * side a JVM of its own started like the launchers start them (serial collector; targets
 * {@code -Xmx128m}; a class-data-sharing archive made by a first run, as {@code bin/} does):
 *
 * <ol>
 *   <li>a FULL_TABLE extract to /dev/null (rows/s, peak RSS),
 *   <li>a LOG_BASED run reading a burst of 200,000 updates (changes/s, peak RSS),
 *   <li>{@code tap-postgres | target-postgres} copying the table into another database (rows/s
 *       over the pipeline's wall time, peak RSS of each side).
 * </ol>
 *
 * <p>Usage: {@code PostgresBench ROWS OUTPUT_FOLDER [full|log|mirror ...]} with this module's test
 * class path; all three by default.
 */
public final class PostgresBench {

  private static final int UPDATES = 200_000;

  private final int rows;
  private final Path out;
  private final EmbeddedPostgres server;
  private final List<String> parts;

  private PostgresBench(int rows, Path out, EmbeddedPostgres server, List<String> parts) {
    this.rows = rows;
    this.out = out;
    this.server = server;
    this.parts = parts;
  }

  public static void main(String[] args) throws Exception {
    int rows = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(out);
    try (EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_replication_slots", "4")
        .setServerConfig("max_wal_senders", "4")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("shared_buffers", "256MB")
        .start()) {
      List<String> parts = args.length > 2
          ? List.of(args).subList(2, args.length) : List.of("full", "log", "mirror");
      new PostgresBench(rows, out, server, parts).run();
    }
  }

  private Connection connect(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.getPort() + "/" + database,
        "postgres", "");
  }

  private String query(String database, String sql) throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  private void execute(String database, String... sql) throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    }
  }

  private void run() throws Exception {
    long loading = System.nanoTime();
    execute("postgres", "CREATE DATABASE source", "CREATE DATABASE copy");
    execute("source",
        "CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, customer text NOT NULL,"
            + " amount numeric(12,2) NOT NULL, currency char(3) NOT NULL, status text NOT NULL,"
            + " description varchar(40) NOT NULL)",
        "INSERT INTO orders SELECT i, timestamptz '2024-01-01' + i * interval '1 second',"
            + " 'Customer ' || (i::bigint * 7919 % 100003), round(((i::bigint * 7907) % 1000000) / 100.0, 2),"
            + " (ARRAY['EUR', 'USD', 'GBP', 'JPY'])[1 + i % 4],"
            + " (ARRAY['new', 'paid', 'shipped', 'refunded', 'cancelled'])[1 + i % 5],"
            + " left(md5(i::text) || md5((i + 1)::text), 40) FROM generate_series(1, " + rows + ") i",
        "VACUUM ANALYZE orders");
    System.out.printf(Locale.ROOT, "table of %,d rows loaded in %.1f s%n", rows, (System.nanoTime() - loading) / 1e9);

    Path tapConfig = config("tap.json", "source", "\"filter_schemas\": \"public\", \"logical_poll_total_seconds\": 10");
    Path targetConfig = config("target.json", "copy", "\"hard_delete\": true");

    makeArchives(tapConfig, targetConfig);
    if (parts.contains("full")) {
      Report full = timed("full", List.of(tapCommand(tapConfig)), null);
      print("tap-postgres FULL_TABLE > /dev/null", rows, "rows/s", full, 300_000);
    }
    if (parts.contains("log")) {
      logBased(tapConfig);
    }
    if (parts.contains("mirror")) {
      Report mirror = timed("mirror", List.of(tapCommand(tapConfig), targetCommand(targetConfig)), null);
      print("tap-postgres | target-postgres (full mirror)", rows, "rows/s", mirror, 150_000);
      System.out.println("rows in the copy: " + query("copy", "SELECT count(*) FROM public.orders"));
    }
  }

  private void logBased(Path tapConfig) throws Exception {
    execute("source", "CREATE PUBLICATION tapline FOR TABLE orders WITH (publish_via_partition_root = true)");
    String start = query("source", "SELECT lsn FROM pg_create_logical_replication_slot('tapline_source', 'pgoutput')");
    long startLsn = org.postgresql.replication.LogSequenceNumber.valueOf(start).asLong();
    Path catalog = out.resolve("catalog.json");
    Files.writeString(catalog, "{\"streams\": [{\"tap_stream_id\": \"public-orders\", \"stream\": \"public-orders\","
        + " \"schema\": {}, \"metadata\": [{\"breadcrumb\": [], \"metadata\": {\"selected\": true,"
        + " \"replication-method\": \"LOG_BASED\"}}]}]}");
    Path state = out.resolve("state.json");
    Files.writeString(state, "{\"bookmarks\": {\"public-orders\": {\"replication_key\": \"_sdc_lsn\","
        + " \"replication_key_value\": " + startLsn + "}}}");
    execute("source", "UPDATE orders SET status = 'paid', amount = amount + 1 WHERE id <= " + UPDATES);
    List<String> logCommand = new ArrayList<>(tapCommand(tapConfig));
    logCommand.addAll(List.of("--catalog", catalog.toString(), "--state", state.toString()));
    Report log = timed("log", List.of(logCommand), null);
    print("tap-postgres LOG_BASED, burst of updates > /dev/null", UPDATES, "changes/s", log, 50_000);
  }

  /** One short run of each executable writing its class-data-sharing archive. */
  private void makeArchives(Path tapConfig, Path targetConfig) throws Exception {
    List<String> tap = new ArrayList<>(tapCommand(tapConfig));
    tap.add(1, "-XX:ArchiveClassesAtExit=" + out.resolve("tap.jsa"));
    tap.add("--discover");
    List<String> target = new ArrayList<>(targetCommand(targetConfig));
    target.add(1, "-XX:ArchiveClassesAtExit=" + out.resolve("target.jsa"));
    target.set(target.size() - 2, "--about");
    target.remove(target.size() - 1);
    for (List<String> command : List.of(tap, target)) {
      Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      process.waitFor();
    }
    sharing = true;
  }

  private boolean sharing;

  private Path config(String name, String database, String extra) throws IOException {
    Path file = out.resolve(name);
    Files.writeString(file, "{\"host\": \"localhost\", \"port\": " + server.getPort()
        + ", \"user\": \"postgres\", \"dbname\": \"" + database + "\", \"ssl_mode\": \"disable\", " + extra + "}");
    return file;
  }

  /** The jars of this class path: class-data sharing takes jars only, and the children need no more. */
  private static String jars() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private List<String> tapCommand(Path config) {
    List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-cp",
        jars(), "dev.tapline.tap.postgres.PostgresTap", "--config", config.toString()));
    if (sharing) {
      command.add(1, "-XX:SharedArchiveFile=" + out.resolve("tap.jsa"));
    }
    return command;
  }

  private List<String> targetCommand(Path config) {
    List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx128m", "-cp",
        jars(), "dev.tapline.target.postgres.PostgresTarget", "--config",
        config.toString()));
    if (sharing) {
      command.add(1, "-XX:SharedArchiveFile=" + out.resolve("target.jsa"));
    }
    return command;
  }

  /** Wall seconds of the whole run, and each process's peak RSS in MB and CPU seconds. */
  private record Report(double seconds, List<Long> peakMegabytes, List<Double> cpuSeconds) {}

  private Report timed(String name, List<List<String>> commands, Path input) throws Exception {
    List<ProcessBuilder> builders = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o",
          out.resolve(name + "-" + i + ".time").toString()));
      command.addAll(commands.get(i));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectError(out.resolve(name + "-" + i + ".err").toFile());
      if (i == commands.size() - 1) {
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      }
      builders.add(builder);
    }
    long started = System.nanoTime();
    List<Process> processes = ProcessBuilder.startPipeline(builders);
    for (int i = 0; i < processes.size(); i++) {
      int code = processes.get(i).waitFor();
      if (code != 0) {
        throw new IllegalStateException(name + " process " + i + " exited with " + code + "; see "
            + out.resolve(name + "-" + i + ".err"));
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Long> peaks = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    Pattern peak = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    Pattern time = Pattern.compile("(User|System) time \\(seconds\\): ([0-9.]+)");
    for (int i = 0; i < processes.size(); i++) {
      String report = Files.readString(out.resolve(name + "-" + i + ".time"));
      Matcher matcher = peak.matcher(report);
      peaks.add(matcher.find() ? Long.parseLong(matcher.group(1)) / 1024 : -1);
      Matcher times = time.matcher(report);
      double total = 0;
      while (times.find()) {
        total += Double.parseDouble(times.group(2));
      }
      cpu.add(Math.round(total * 100) / 100.0);
    }
    return new Report(seconds, peaks, cpu);
  }

  private static void print(String what, long count, String unit, Report report, long goal) {
    long rate = Math.round(count / report.seconds());
    System.out.printf(Locale.ROOT, "%-52s %,10d %s (goal >= %,d: %s)  %.2f s  peak RSS MB %s  CPU s %s%n",
        what, rate, unit, goal, rate >= goal ? "ok" : "MISSED", report.seconds(), report.peakMegabytes(),
        report.cpuSeconds());
  }
}
