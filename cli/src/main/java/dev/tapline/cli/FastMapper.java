package dev.tapline.cli;

import dev.tapline.spec.Json;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.StateMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.jexl3.JexlScript;

/**
 * The fast path of {@code tapline map}. RECORD lines in the form Singer writers of this project
 * and most others emit ({@code {"type":"RECORD","stream":"s","record":{...},...}}) are handled as
 * bytes: a record of a stream without mapping is copied as it came; a mapped one is scanned once,
 * and its properties are copied (runs of untouched properties in one piece), renamed, dropped,
 * hashed or masked straight into the output buffer, without building a tree. Expressions see only
 * the properties they name, decoded from the line when an expression is evaluated. Every other
 * line (SCHEMA, STATE, records in another form, records whose expressions need the whole record)
 * goes through {@link Mapper} and the spec's reader and writer, into the same output buffer, so
 * the order of the lines is kept.
 *
 * <p>A filtered record costs its scan and a lookup: its hashes are computed only once the filter
 * has kept it (a hash is always 64 hex digits, so its place is reserved and filled in), and the
 * filter's verdict is remembered by the raw bytes of the values it reads.
 *
 * <p>Not thread-safe: one per process, on the main thread.
 */
final class FastMapper {

  private static final byte[] RECORD_PREFIX = "{\"type\":\"RECORD\",\"stream\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RECORD_FIELD = "\",\"record\":{".getBytes(StandardCharsets.UTF_8);
  private static final int HASH_LENGTH = 64;
  private static final int FLUSH_AT = 1 << 16;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * A property name the plan acts on or that an expression reads, as its plain JSON bytes with
   * quotes: names in a line are compared with these without decoding them.
   *
   * @param action what to do with it, or {@code null} when it is only read by expressions
   * @param outputName {@code "name":} of its output name as JSON bytes, or {@code null}
   * @param capture its index among the values expressions read, or -1
   */
  private record Known(byte[] quoted, String name, MapperConfig.PropertyAction action, byte[] outputName, int capture) {}

  /** A mapped stream, ready for the fast path. */
  private record Plan(
      Mapper.CompiledStream stream,
      String outputName,
      byte[] prefix,
      boolean needsTree,
      boolean evaluates,
      List<byte[]> computedNames,
      String[] captureNames,
      int[] filterInputs,
      VerdictCache verdicts,
      Known[] known) {}

  /** Where records of one input stream go: its plan ({@code null} when unmapped) and its counts. */
  private record Route(byte[] name, Plan plan, Mapper.Counts counts) {}

  private final Mapper mapper;
  private final Map<String, Plan> plans = new HashMap<>();
  private final Map<String, Route> routes = new HashMap<>();
  private final Consumer<String> warnings;
  private final Mapper.RecordContext context = new Mapper.RecordContext();
  private final Map<String, Object> captured = new HashMap<>();
  private Route lastRoute = new Route(new byte[] {'"'}, null, null);

  private byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private boolean endOfInput;
  private long lineNumber;
  private int lineStart;
  private int lineEnd;

  private byte[] output = new byte[FLUSH_AT * 2];
  private int outputLength;

  /** Whether the last string {@link #stringEnd} scanned holds an escape. */
  private boolean escaped;
  private int[] captureStarts = new int[0];
  private int[] captureEnds = new int[0];
  /** Hashes to fill in once the record is kept: output offset, value start, value end, escaped. */
  private int[] pendingHashes = new int[16];
  private int pendingHashCount;

  FastMapper(Mapper mapper, MapperConfig config, Consumer<String> warnings) {
    this.mapper = mapper;
    this.warnings = warnings;
    int captures = 0;
    for (String name : config.streams().keySet()) {
      Plan plan = plan(mapper.compiled(name));
      plans.put(name, plan);
      captures = Math.max(captures, plan.captureNames().length);
    }
    captureStarts = new int[captures];
    captureEnds = new int[captures];
  }

  private static Plan plan(Mapper.CompiledStream stream) {
    MapperConfig.StreamMapping mapping = stream.mapping();
    String output = Mapper.outputName(mapping);
    byte[] prefix = ("{\"type\":\"RECORD\",\"stream\":" + Json.write(Json.NODES.textNode(output)) + ",\"record\":{")
        .getBytes(StandardCharsets.UTF_8);
    boolean needsTree = false;
    Set<String> read = new LinkedHashSet<>();
    List<JexlScript> scripts = new ArrayList<>(stream.computed());
    if (stream.filter() != null) {
      scripts.add(stream.filter());
    }
    for (JexlScript script : scripts) {
      for (List<String> variable : script.getVariables()) {
        if (variable.isEmpty() || !variable.get(0).equals("record")) {
          continue;
        }
        if (variable.size() == 1) {
          needsTree = true;
        } else {
          read.add(variable.get(1));
        }
      }
    }
    List<String> captureNames = new ArrayList<>(read);
    List<Integer> filterInputs = new ArrayList<>();
    if (stream.filter() != null) {
      for (List<String> variable : stream.filter().getVariables()) {
        if (variable.size() >= 2 && variable.get(0).equals("record")) {
          int index = captureNames.indexOf(variable.get(1));
          if (!filterInputs.contains(index)) {
            filterInputs.add(index);
          }
        }
      }
    }
    Set<String> names = new LinkedHashSet<>(mapping.properties().keySet());
    names.addAll(captureNames);
    Known[] known = names.stream().map(name -> {
      MapperConfig.PropertyAction action = mapping.properties().get(name);
      byte[] outputName = action == null ? null : encodedName(action.rename() == null ? name : action.rename());
      return new Known(Json.write(Json.NODES.textNode(name)).getBytes(StandardCharsets.UTF_8), name, action,
          outputName, captureNames.indexOf(name));
    }).toArray(Known[]::new);
    List<byte[]> computedNames = mapping.added().stream().map(added -> encodedName(added.name())).toList();
    boolean evaluates = stream.filter() != null || !stream.computed().isEmpty();
    return new Plan(stream, output, prefix, needsTree, evaluates, computedNames, captureNames.toArray(String[]::new),
        filterInputs.stream().mapToInt(Integer::intValue).toArray(),
        stream.filter() == null ? null : new VerdictCache(), known);
  }

  /** {@code "name":} as JSON bytes. */
  private static byte[] encodedName(String name) {
    return (Json.write(Json.NODES.textNode(name)) + ":").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Maps every line of {@code in} to {@code out} until the input ends; flushes after each STATE
   * and at the end. {@code out} receives the output in blocks of about 64 KiB and needs no buffer.
   *
   * @param metrics receives counts per output stream every {@code metricMillis} and at the end
   */
  void run(InputStream in, OutputStream out, Consumer<Map<String, Mapper.Counts>> metrics, long metricMillis)
      throws IOException {
    MessageWriter writer = new MessageWriter(new OutputAdapter(out));
    long nextMetric = System.currentTimeMillis() + metricMillis;
    try {
      while (readLine(in)) {
        int start = lineStart;
        int end = lineEnd;
        while (start < end && isBlank(buffer[start])) start++;
        while (end > start && isBlank(buffer[end - 1])) end--;
        if (start != end && !fastRecord(start, end)) {
          slowLine(start, end, writer, out);
        }
        if (outputLength >= FLUSH_AT) {
          out.write(output, 0, outputLength);
          outputLength = 0;
        }
        if ((lineNumber & 1023) == 0 && System.currentTimeMillis() >= nextMetric) {
          metrics.accept(mapper.counts());
          nextMetric = System.currentTimeMillis() + metricMillis;
        }
      }
    } catch (RuntimeException e) {
      // a bad line ends the run: what was mapped before it still goes out, as a target expects
      try {
        flush(out);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    flush(out);
    metrics.accept(mapper.counts());
  }

  private void slowLine(int start, int end, MessageWriter writer, OutputStream out) throws IOException {
    Message message = MessageReader.parse(buffer, start, end - start, lineNumber, warnings);
    if (message != null) {
      mapper.handle(message, writer, context, lineNumber, end - start + 1);
      writer.flush();
      if (message instanceof StateMessage) {
        flush(out);
      }
    }
  }

  private void flush(OutputStream out) throws IOException {
    out.write(output, 0, outputLength);
    outputLength = 0;
    out.flush();
  }

  /** Handles a RECORD line as bytes; false when it must go the slow way. */
  private boolean fastRecord(int start, int end) {
    if (end - start < RECORD_PREFIX.length + RECORD_FIELD.length + 1
        || !Arrays.equals(buffer, start, start + RECORD_PREFIX.length, RECORD_PREFIX, 0, RECORD_PREFIX.length)) {
      return false;
    }
    int nameStart = start + RECORD_PREFIX.length;
    int quote = nameStart;
    while (quote < end && buffer[quote] != '"') {
      if (buffer[quote] == '\\') {
        return false;
      }
      quote++;
    }
    if (quote + RECORD_FIELD.length > end
        || !Arrays.equals(buffer, quote, quote + RECORD_FIELD.length, RECORD_FIELD, 0, RECORD_FIELD.length)) {
      return false;
    }
    Route route = route(nameStart, quote);
    Plan plan = route.plan();
    if (plan == null) {
      write(buffer, start, end - start);
      writeByte('\n');
      route.counts().records++;
      route.counts().bytes += end - start + 1;
      return true;
    }
    if (plan.needsTree()) {
      return false;
    }
    return mappedRecord(plan, route.counts(), quote + RECORD_FIELD.length - 1, start, end);
  }

  private boolean mappedRecord(Plan plan, Mapper.Counts counts, int recordStart, int start, int end) {
    int mark = outputLength;
    pendingHashCount = 0;
    try {
      write(plan.prefix(), 0, plan.prefix().length);
      int recordEnd = mapProperties(plan, recordStart, end);
      if (recordEnd < 0) {
        // not valid JSON: the slow path reports the line as a protocol error
        outputLength = mark;
        return false;
      }
      if (plan.evaluates()) {
        if (!keeps(plan)) {
          outputLength = mark;
          counts.filtered++;
          return true;
        }
        addComputed(plan, mark);
      }
      writeByte('}');
      write(buffer, recordEnd, end - recordEnd);
      writeByte('\n');
      if (pendingHashCount > 0) {
        fillHashes();
      }
    } catch (RuntimeException e) {
      // an expression that failed or a value that is not JSON: no half-written line goes out
      outputLength = mark;
      throw e;
    }
    counts.records++;
    counts.bytes += end - start + 1;
    return true;
  }

  private Route route(int from, int to) {
    Route route = lastRoute;
    if (Arrays.equals(buffer, from, to, route.name(), 0, route.name().length)) {
      return route;
    }
    String stream = new String(buffer, from, to - from, StandardCharsets.UTF_8);
    route = routes.get(stream);
    if (route == null) {
      Plan plan = plans.get(stream);
      String counted = plan == null ? stream : plan.outputName();
      route = new Route(Arrays.copyOfRange(buffer, from, to), plan,
          mapper.counts().computeIfAbsent(counted, key -> new Mapper.Counts()));
      routes.put(stream, route);
    }
    lastRoute = route;
    return route;
  }

  /**
   * Writes the mapped properties of the record at {@code recordStart} to the output (after the
   * prefix, without the closing brace), notes where the values expressions read are, and returns
   * where the record ends in the line, or -1 when it is not a well-formed JSON object.
   *
   * <p>The record is scanned as bytes, property by property: a name is compared with the known
   * names as its encoded bytes; a value is only delimited (strings by their quotes and escapes,
   * objects and arrays by their brackets). Untouched properties are copied in runs, with the
   * separators between them as they came.
   */
  private int mapProperties(Plan plan, int recordStart, int end) {
    Arrays.fill(captureStarts, -1);
    int at = skipBlank(recordStart + 1, end);
    if (at < end && buffer[at] == '}') {
      return at + 1;
    }
    boolean first = true;
    int runStart = -1;
    int runEnd = -1;
    while (true) {
      if (at >= end || buffer[at] != '"') {
        return -1;
      }
      int nameStart = at;
      escaped = false;
      int nameEnd = stringEnd(at, end);
      if (nameEnd < 0) {
        return -1;
      }
      boolean nameEscaped = escaped;
      at = skipBlank(nameEnd, end);
      if (at >= end || buffer[at] != ':') {
        return -1;
      }
      int valueStart = skipBlank(at + 1, end);
      escaped = false;
      int valueEnd = valueEnd(valueStart, end);
      if (valueEnd < 0) {
        return -1;
      }
      Known match = known(plan.known(), nameStart, nameEnd, nameEscaped);
      if (match == null || match.action() == null) {
        if (match != null) {
          captureStarts[match.capture()] = valueStart;
          captureEnds[match.capture()] = valueEnd;
        }
        if (runStart < 0) {
          runStart = nameStart;
        }
        runEnd = valueEnd;
      } else {
        if (match.capture() >= 0) {
          captureStarts[match.capture()] = valueStart;
          captureEnds[match.capture()] = valueEnd;
        }
        if (runStart >= 0) {
          first = writeRun(runStart, runEnd, first);
          runStart = -1;
        }
        if (!match.action().drop()) {
          if (!first) {
            writeByte(',');
          }
          first = false;
          writeValue(match, valueStart, valueEnd);
        }
      }
      at = skipBlank(valueEnd, end);
      if (at < end && buffer[at] == ',') {
        at = skipBlank(at + 1, end);
        continue;
      }
      if (at < end && buffer[at] == '}') {
        if (runStart >= 0) {
          writeRun(runStart, runEnd, first);
        }
        return at + 1;
      }
      return -1;
    }
  }

  private boolean writeRun(int runStart, int runEnd, boolean first) {
    if (!first) {
      writeByte(',');
    }
    write(buffer, runStart, runEnd - runStart);
    return false;
  }

  /** Writes {@code "output name":value} of a property that is renamed, hashed or masked. */
  private void writeValue(Known match, int valueStart, int valueEnd) {
    write(match.outputName(), 0, match.outputName().length);
    MapperConfig.PropertyAction action = match.action();
    boolean isNull = valueEnd - valueStart == 4 && buffer[valueStart] == 'n';
    if (isNull || !(action.hash() || action.mask())) {
      write(buffer, valueStart, valueEnd - valueStart);
    } else if (action.hash()) {
      writeByte('"');
      if (pendingHashCount * 4 + 4 > pendingHashes.length) {
        pendingHashes = Arrays.copyOf(pendingHashes, pendingHashes.length * 2);
      }
      int slot = pendingHashCount++ * 4;
      pendingHashes[slot] = outputLength;
      pendingHashes[slot + 1] = valueStart;
      pendingHashes[slot + 2] = valueEnd;
      pendingHashes[slot + 3] = escaped ? 1 : 0;
      ensure(HASH_LENGTH);
      outputLength += HASH_LENGTH;
      writeByte('"');
    } else {
      String masked = Mapper.mask(textOf(valueStart, valueEnd), action);
      byte[] json = Json.write(Json.NODES.textNode(masked)).getBytes(StandardCharsets.UTF_8);
      write(json, 0, json.length);
    }
  }

  /** The SHA-256 of the salt and each hashed value's text, in the places reserved for them. */
  private void fillHashes() {
    for (int index = 0; index < pendingHashCount; index++) {
      int slot = index * 4;
      int valueStart = pendingHashes[slot + 1];
      int valueEnd = pendingHashes[slot + 2];
      if (buffer[valueStart] == '"' && pendingHashes[slot + 3] == 0) {
        mapper.hashInto(buffer, valueStart + 1, valueEnd - valueStart - 2, output, pendingHashes[slot]);
      } else {
        byte[] text = textOf(valueStart, valueEnd).getBytes(StandardCharsets.UTF_8);
        mapper.hashInto(text, 0, text.length, output, pendingHashes[slot]);
      }
    }
  }

  private void addComputed(Plan plan, int mark) {
    if (plan.stream().computed().isEmpty()) {
      return;
    }
    decodeCaptured(plan);
    Object[] values = Mapper.computed(plan.stream(), context, lineNumber);
    for (int index = 0; index < values.length; index++) {
      if (outputLength > mark + plan.prefix().length) {
        writeByte(',');
      }
      byte[] name = plan.computedNames().get(index);
      write(name, 0, name.length);
      byte[] json = Json.write(Mapper.toNode(values[index])).getBytes(StandardCharsets.UTF_8);
      write(json, 0, json.length);
    }
  }

  /** The values expressions read, as expressions see them, in {@link #captured}. */
  private void decodeCaptured(Plan plan) {
    captured.clear();
    String[] names = plan.captureNames();
    for (int index = 0; index < names.length; index++) {
      if (captureStarts[index] >= 0) {
        captured.put(names[index], valueOf(captureStarts[index], captureEnds[index]));
      }
    }
    context.record = captured;
  }

  /** Whether the stream's filter keeps the record; true without a filter. */
  private boolean keeps(Plan plan) {
    VerdictCache verdicts = plan.verdicts();
    if (verdicts == null) {
      return true;
    }
    if (!verdicts.enabled) {
      decodeCaptured(plan);
      return Mapper.keeps(plan.stream(), context, lineNumber);
    }
    int[] inputs = plan.filterInputs();
    int hash = 1;
    for (int input : inputs) {
      int from = captureStarts[input];
      if (from < 0) {
        hash = hash * 31 - 1;
        continue;
      }
      int to = captureEnds[input];
      if (buffer[from] == '{' || buffer[from] == '[') {
        // a nested value may be large: not worth remembering
        decodeCaptured(plan);
        return Mapper.keeps(plan.stream(), context, lineNumber);
      }
      hash = hash * 31 + (to - from);
      for (int index = from; index < to; index++) {
        hash = hash * 31 + buffer[index];
      }
    }
    int found = verdicts.find(hash, buffer, inputs, captureStarts, captureEnds);
    if (found >= 0) {
      return found == 1;
    }
    decodeCaptured(plan);
    boolean verdict = Mapper.keeps(plan.stream(), context, lineNumber);
    verdicts.remember(hash, buffer, inputs, captureStarts, captureEnds, verdict);
    return verdict;
  }

  /**
   * The filter's verdicts for recent combinations of the values it reads, keyed by their raw JSON
   * bytes: a filter over a few distinct values (a status, a country) is then evaluated once per
   * value, not once per record. A JEXL expression over {@code record} has no other input, so its
   * verdict depends on those values only (two spellings of one value are two entries with one
   * verdict). Turns itself off when most lookups miss; starts afresh when full.
   */
  private static final class VerdictCache {
    private static final int SLOTS = 8192;
    private static final int CAPACITY = SLOTS / 2;
    private static final int TRIAL = 20_000;
    private final byte[][] keys = new byte[SLOTS][];
    private final int[] hashes = new int[SLOTS];
    private final boolean[] verdicts = new boolean[SLOTS];
    private int size;
    private long lookups;
    private long hits;
    boolean enabled = true;

    /** 1 when kept, 0 when dropped, -1 when unknown. */
    int find(int hash, byte[] line, int[] inputs, int[] starts, int[] ends) {
      lookups++;
      for (int slot = hash & (SLOTS - 1); keys[slot] != null; slot = (slot + 1) & (SLOTS - 1)) {
        if (hashes[slot] == hash && matches(keys[slot], line, inputs, starts, ends)) {
          hits++;
          return verdicts[slot] ? 1 : 0;
        }
      }
      if (lookups == TRIAL && hits * 2 < lookups) {
        enabled = false;
        Arrays.fill(keys, null);
      }
      return -1;
    }

    void remember(int hash, byte[] line, int[] inputs, int[] starts, int[] ends, boolean verdict) {
      if (!enabled) {
        return;
      }
      if (size == CAPACITY) {
        Arrays.fill(keys, null);
        size = 0;
      }
      int slot = hash & (SLOTS - 1);
      while (keys[slot] != null) {
        slot = (slot + 1) & (SLOTS - 1);
      }
      keys[slot] = key(line, inputs, starts, ends);
      hashes[slot] = hash;
      verdicts[slot] = verdict;
      size++;
    }

    /** Each input as its length (-1 when absent) in 4 bytes, then its bytes. */
    private static byte[] key(byte[] line, int[] inputs, int[] starts, int[] ends) {
      int length = 0;
      for (int input : inputs) {
        length += 4 + (starts[input] < 0 ? 0 : ends[input] - starts[input]);
      }
      byte[] key = new byte[length];
      int at = 0;
      for (int input : inputs) {
        int size = starts[input] < 0 ? -1 : ends[input] - starts[input];
        key[at++] = (byte) (size >>> 24);
        key[at++] = (byte) (size >>> 16);
        key[at++] = (byte) (size >>> 8);
        key[at++] = (byte) size;
        if (size > 0) {
          System.arraycopy(line, starts[input], key, at, size);
          at += size;
        }
      }
      return key;
    }

    private static boolean matches(byte[] key, byte[] line, int[] inputs, int[] starts, int[] ends) {
      int at = 0;
      for (int input : inputs) {
        int size = starts[input] < 0 ? -1 : ends[input] - starts[input];
        if (at + 4 > key.length) {
          return false;
        }
        int stored = (key[at] & 0xff) << 24 | (key[at + 1] & 0xff) << 16 | (key[at + 2] & 0xff) << 8 | (key[at + 3] & 0xff);
        at += 4;
        if (stored != size) {
          return false;
        }
        if (size > 0) {
          if (!Arrays.equals(key, at, at + size, line, starts[input], ends[input])) {
            return false;
          }
          at += size;
        }
      }
      return at == key.length;
    }
  }

  private int skipBlank(int at, int end) {
    while (at < end && (buffer[at] == ' ' || buffer[at] == '\t' || buffer[at] == '\r' || buffer[at] == '\n')) {
      at++;
    }
    return at;
  }

  /**
   * Where the string starting with the quote at {@code at} ends (after its closing quote), or -1;
   * sets {@link #escaped} when it holds an escape.
   */
  private int stringEnd(int at, int end) {
    int index = at + 1;
    while (index < end) {
      byte b = buffer[index];
      if (b == '"') {
        return index + 1;
      }
      if (b == '\\') {
        escaped = true;
        index += 2;
      } else {
        index++;
      }
    }
    return -1;
  }

  /** Where the value starting at {@code at} ends, or -1. */
  private int valueEnd(int at, int end) {
    if (at >= end) {
      return -1;
    }
    byte b = buffer[at];
    if (b == '"') {
      return stringEnd(at, end);
    }
    if (b == '{' || b == '[') {
      return containerEnd(at, end);
    }
    int index = at;
    while (index < end) {
      byte c = buffer[index];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        break;
      }
      index++;
    }
    return index == at ? -1 : index;
  }

  private int containerEnd(int at, int end) {
    int depth = 0;
    int index = at;
    while (index < end) {
      byte c = buffer[index];
      if (c == '"') {
        index = stringEnd(index, end);
        if (index < 0) {
          return -1;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return index + 1;
        }
      }
      index++;
    }
    return -1;
  }

  /** The known name at {@code buffer[nameStart, nameEnd)} (quotes included), or {@code null}. */
  private Known known(Known[] known, int nameStart, int nameEnd, boolean nameEscaped) {
    int length = nameEnd - nameStart;
    for (Known candidate : known) {
      byte[] quoted = candidate.quoted();
      if (quoted.length == length && quoted[1] == buffer[nameStart + 1]
          && Arrays.equals(buffer, nameStart, nameEnd, quoted, 0, length)) {
        return candidate;
      }
    }
    return nameEscaped ? knownEscaped(known, nameStart, nameEnd) : null;
  }

  /** A name written with escapes, compared decoded. */
  private Known knownEscaped(Known[] known, int nameStart, int nameEnd) {
    String name = Json.parse(new String(buffer, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8)).textValue();
    for (Known candidate : known) {
      if (candidate.name().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  private boolean hasEscape(int from, int to) {
    for (int index = from; index < to; index++) {
      if (buffer[index] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** The value as hashing and masking see it: a string's content, a number's plain digits, else its JSON. */
  private String textOf(int valueStart, int valueEnd) {
    byte b = buffer[valueStart];
    if (b == '"' && !hasEscape(valueStart + 1, valueEnd - 1)) {
      return new String(buffer, valueStart + 1, valueEnd - valueStart - 2, StandardCharsets.UTF_8);
    }
    return Mapper.textOf(Json.parse(new String(buffer, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
  }

  /** The value as an expression sees it: text, number, boolean, null, map or list. */
  private Object valueOf(int valueStart, int valueEnd) {
    byte b = buffer[valueStart];
    if (b == '"' && !hasEscape(valueStart + 1, valueEnd - 1)) {
      return new String(buffer, valueStart + 1, valueEnd - valueStart - 2, StandardCharsets.UTF_8);
    }
    return Mapper.fromNode(Json.parse(new String(buffer, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
  }

  private void write(byte[] bytes, int from, int length) {
    ensure(length);
    System.arraycopy(bytes, from, output, outputLength, length);
    outputLength += length;
  }

  private void writeByte(int b) {
    ensure(1);
    output[outputLength++] = (byte) b;
  }

  private void ensure(int length) {
    if (outputLength + length > output.length) {
      output = Arrays.copyOf(output, Math.max(output.length * 2, outputLength + length));
    }
  }

  /** The next line into {@code buffer[lineStart, lineEnd)}, without its line end; false at the end. */
  private boolean readLine(InputStream in) throws IOException {
    int scan = position;
    while (true) {
      int newline = newline(scan, limit);
      if (newline >= 0) {
        lineStart = position;
        lineEnd = newline;
        position = newline + 1;
        lineNumber++;
        return true;
      }
      if (endOfInput) {
        if (position < limit) {
          lineStart = position;
          lineEnd = limit;
          position = limit;
          lineNumber++;
          return true;
        }
        return false;
      }
      // keep the partial line, make room, read more
      int kept = limit - position;
      if (position > 0) {
        System.arraycopy(buffer, position, buffer, 0, kept);
      } else if (kept == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
      position = 0;
      limit = kept;
      scan = kept;
      int read = in.read(buffer, limit, buffer.length - limit);
      if (read < 0) {
        endOfInput = true;
      } else {
        limit += read;
      }
    }
  }

  /** The first {@code '\n'} in {@code buffer[from, to)}, or -1; eight bytes at a time. */
  private int newline(int from, int to) {
    int index = from;
    while (index + 8 <= to) {
      long word = (long) LONGS.get(buffer, index) ^ 0x0A0A0A0A0A0A0A0AL;
      long zero = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
      if (zero != 0) {
        return index + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
      index += 8;
    }
    while (index < to) {
      if (buffer[index] == '\n') {
        return index;
      }
      index++;
    }
    return -1;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r';
  }

  /**
   * What the writer of slow-path messages writes into: the output buffer, so that lines keep
   * their order; flushing it passes everything on. Closing it leaves the output open.
   */
  private final class OutputAdapter extends OutputStream {
    private final OutputStream out;

    OutputAdapter(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      writeByte(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      FastMapper.this.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      if (outputLength >= FLUSH_AT) {
        out.write(output, 0, outputLength);
        outputLength = 0;
      }
    }

    @Override
    public void close() {
      // the caller closes the output
    }
  }
}
