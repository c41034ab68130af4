package dev.tapline.target.snowflake.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.RecordMessage;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.target.SinkContext;
import dev.tapline.target.TargetSettings;
import dev.tapline.target.snowflake.StageFileBenchAccess;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the part of a Snowflake load Tapline controls: records already parsed (as the SDK hands
 * them to a sink) turned into compressed stage files. Reads a Singer message file in blocks of
 * records and times only the writing of each block; prints rows, seconds and rows/s.
 *
 * <p>usage: {@code StageFilesBench MESSAGES_FILE OUTPUT_FOLDER [CHUNK_MB]}
 */
public final class StageFilesBench {

  private static final int BLOCK = 20_000;

  private StageFilesBench() {}

  public static void main(String[] args) throws IOException {
    Path input = Path.of(args[0]);
    Path output = Path.of(args[1]);
    long chunkBytes = (args.length > 2 ? Long.parseLong(args[2]) : 64) << 20;
    Files.createDirectories(output);
    long rows = 0;
    long writingNanos = 0;
    long started = System.nanoTime();
    StageFileBenchAccess writer = null;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
      MessageReader reader = new MessageReader(in, warning -> {});
      List<ObjectNode> block = new ArrayList<>(BLOCK);
      Message message;
      while ((message = reader.next()) != null) {
        if (message instanceof SchemaMessage schema) {
          writer = StageFileBenchAccess.open(new SinkContext<>(schema.stream(), schema.schema(), schema.keyProperties(),
              schema, null, TargetSettings.defaults()), output, chunkBytes);
        } else if (message instanceof RecordMessage record) {
          block.add(record.record());
          if (block.size() == BLOCK) {
            writingNanos += write(writer, block, rows);
            rows += block.size();
            block.clear();
          }
        }
      }
      writingNanos += write(writer, block, rows);
      rows += block.size();
      long finishStarted = System.nanoTime();
      long finishCpu = OS.getProcessCpuTime();
      int files = writer.finish();
      writingNanos += System.nanoTime() - finishStarted;
      writingCpuNanos += OS.getProcessCpuTime() - finishCpu;
      double seconds = writingNanos / 1e9;
      double cpuSeconds = writingCpuNanos / 1e9;
      long bytes;
      try (var walk = Files.walk(output)) {
        bytes = walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
      System.out.printf("rows %d files %d compressed_mb %.1f writing_wall_seconds %.2f rows_per_second %d"
              + " writing_cpu_seconds %.2f rows_per_cpu_second %d total_seconds %.2f%n", rows, files, bytes / 1e6,
          seconds, (long) (rows / seconds), cpuSeconds, (long) (rows / cpuSeconds),
          (System.nanoTime() - started) / 1e9);
    }
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  private static long writingCpuNanos;

  private static long write(StageFileBenchAccess writer, List<ObjectNode> block, long rowsBefore) {
    long start = System.nanoTime();
    long cpu = OS.getProcessCpuTime();
    long row = rowsBefore;
    for (ObjectNode record : block) {
      writer.write(record, ++row);
    }
    writingCpuNanos += OS.getProcessCpuTime() - cpu;
    return System.nanoTime() - start;
  }
}
