import dev.tapline.tap.Invocation;
import dev.tapline.tap.stripe.StripeTap;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Throwaway harness: tap-stripe run several times in one JVM (so the JIT is warm), stdout
 * discarded, stderr counted; prints records/s and process CPU per record of each run.
 * Usage: java -cp CP TapWarm.java CONFIG CATALOG RUNS
 */
public class TapWarm {
  public static void main(String[] args) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int run = 1; run <= Integer.parseInt(args[2]); run++) {
      long[] bytes = new long[1];
      OutputStream discard = new OutputStream() {
        @Override public void write(int b) { bytes[0]++; }
        @Override public void write(byte[] b, int off, int len) { bytes[0] += len; }
      };
      StringBuilder errors = new StringBuilder();
      PrintStream err = new PrintStream(new OutputStream() {
        @Override public void write(int b) { errors.append((char) b); }
      }, true);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      int code = new StripeTap().execute(new Invocation(new ByteArrayInputStream(new byte[0]), discard, err,
          Map.of()), "--config", args[0], "--catalog", args[1]);
      long t1 = System.nanoTime();
      long cpu1 = os.getProcessCpuTime();
      long records = 0;
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("\"metric\":\"record_count\",\"value\":(\\d+)").matcher(errors);
      while (m.find()) records += Long.parseLong(m.group(1));
      System.out.printf("warm run %d (exit %d): %d records, %.1f MB out, in %.2f s = %,.0f records/s;"
          + " process CPU %.1f us per record%n", run, code, records, bytes[0] / 1e6, (t1 - t0) / 1e9,
          records / ((t1 - t0) / 1e9), (cpu1 - cpu0) / 1e3 / records);
    }
  }
}
