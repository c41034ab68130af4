package dev.tapline.cli;

import dev.tapline.spec.Json;
import dev.tapline.spec.Message;
import dev.tapline.spec.MessageReader;
import dev.tapline.spec.MessageWriter;
import dev.tapline.spec.StateMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.commons.jexl3.JexlScript;

/**
 * The fast path of {@code tapline map}. RECORD lines in the form Singer writers of this project
 * and most others emit ({@code {"type":"RECORD","stream":"s","record":{...},...}}) are handled as
 * bytes: a record of a stream without mapping is copied as it came; a mapped one is tokenised
 * once, and each property is copied, renamed, dropped, hashed or masked as a slice of the line,
 * without building a tree. Expressions see only the properties they name, read from the tokens.
 * Every other line (SCHEMA, STATE, records in another form, records whose expressions need the
 * whole record) goes through {@link Mapper} and the spec's reader and writer.
 *
 * <p>Not thread-safe: one per process, on the main thread.
 */
final class FastMapper {

  private static final byte[] RECORD_PREFIX = "{\"type\":\"RECORD\",\"stream\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RECORD_FIELD = "\",\"record\":{".getBytes(StandardCharsets.UTF_8);

  /** What to do with one property in the fast path, with its output name already encoded. */
  private record FieldAction(MapperConfig.PropertyAction action, byte[] outputName) {}

  /** A mapped stream, ready for the fast path. */
  private record Plan(
      Mapper.CompiledStream stream,
      String outputName,
      byte[] prefix,
      Map<String, FieldAction> actions,
      Set<String> captured,
      boolean needsTree,
      List<byte[]> computedNames,
      List<String> filterInputs,
      FilterMemo memo,
      Known[] known) {}

  /**
   * A property name the plan acts on or captures, as its plain JSON bytes with quotes: names in a
   * line are compared with these without decoding them.
   */
  private record Known(byte[] quoted, String name, FieldAction action, boolean captured) {}

  /**
   * Remembers the filter's verdict for recent combinations of the values it reads: a filter over
   * a few distinct values (a status, a country) is then evaluated once per value, not once per
   * record. A JEXL expression over {@code record} has no other input, so its verdict depends on
   * those values only. Turns itself off when most lookups miss.
   */
  private static final class FilterMemo extends java.util.LinkedHashMap<List<Object>, Boolean> {
    private static final int CAPACITY = 4096;
    private static final int TRIAL = 20_000;
    private long lookups;
    private long hits;
    private boolean enabled = true;

    FilterMemo() {
      super(256, 0.75f, true);
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<List<Object>, Boolean> eldest) {
      return size() > CAPACITY;
    }

    Boolean find(List<Object> key) {
      lookups++;
      Boolean verdict = get(key);
      if (verdict != null) {
        hits++;
      } else if (lookups == TRIAL && hits * 2 < lookups) {
        enabled = false;
        clear();
      }
      return verdict;
    }
  }

  private final Mapper mapper;
  private final Map<String, Plan> plans = new HashMap<>();
  private final Consumer<String> warnings;
  private final Mapper.RecordContext context = new Mapper.RecordContext();
  private final Map<String, Object> captured = new HashMap<>();
  private final ByteArrayOutputStream scratch = new ByteArrayOutputStream(1 << 12);
  private byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  private boolean endOfInput;
  private long lineNumber;
  private byte[] lastStreamBytes = new byte[0];
  private String lastStream = "";

  FastMapper(Mapper mapper, MapperConfig config, Consumer<String> warnings) {
    this.mapper = mapper;
    this.warnings = warnings;
    config.streams().forEach((name, mapping) -> plans.put(name, plan(mapper.compiled(name))));
  }

  private static Plan plan(Mapper.CompiledStream stream) {
    MapperConfig.StreamMapping mapping = stream.mapping();
    String output = Mapper.outputName(mapping);
    byte[] prefix = ("{\"type\":\"RECORD\",\"stream\":" + Json.write(Json.NODES.textNode(output)) + ",\"record\":{")
        .getBytes(StandardCharsets.UTF_8);
    Map<String, FieldAction> actions = new HashMap<>();
    mapping.properties().forEach((name, action) -> actions.put(name,
        new FieldAction(action, encodedName(action.rename() == null ? name : action.rename()))));
    Set<String> captured = new HashSet<>();
    boolean needsTree = false;
    List<JexlScript> scripts = new java.util.ArrayList<>(stream.computed());
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
          captured.add(variable.get(1));
        }
      }
    }
    List<byte[]> computedNames = mapping.added().stream().map(added -> encodedName(added.name())).toList();
    List<String> filterInputs = new java.util.ArrayList<>();
    if (stream.filter() != null) {
      for (List<String> variable : stream.filter().getVariables()) {
        if (variable.size() >= 2 && variable.get(0).equals("record") && !filterInputs.contains(variable.get(1))) {
          filterInputs.add(variable.get(1));
        }
      }
    }
    Set<String> names = new java.util.LinkedHashSet<>(actions.keySet());
    names.addAll(captured);
    Known[] known = names.stream()
        .map(name -> new Known(Json.write(Json.NODES.textNode(name)).getBytes(StandardCharsets.UTF_8), name,
            actions.get(name), captured.contains(name)))
        .toArray(Known[]::new);
    return new Plan(stream, output, prefix, actions, captured, needsTree, computedNames, List.copyOf(filterInputs),
        stream.filter() == null ? null : new FilterMemo(), known);
  }

  /** {@code "name":} as JSON bytes. */
  private static byte[] encodedName(String name) {
    return (Json.write(Json.NODES.textNode(name)) + ":").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Maps every line of {@code in} to {@code out} until the input ends; flushes after each STATE.
   *
   * @param metrics receives counts per output stream every {@code metricMillis} and at the end
   */
  void run(InputStream in, OutputStream out, Consumer<Map<String, Mapper.Counts>> metrics, long metricMillis)
      throws IOException {
    MessageWriter writer = new MessageWriter(new NonClosing(out));
    long nextMetric = System.currentTimeMillis() + metricMillis;
    while (readLine(in)) {
      int start = lineStart;
      int end = lineEnd;
      while (start < end && isBlank(buffer[start])) start++;
      while (end > start && isBlank(buffer[end - 1])) end--;
      if (start == end) {
        continue;
      }
      if (!fastRecord(start, end, out)) {
        Message message = MessageReader.parse(buffer, start, end - start, lineNumber, warnings);
        if (message != null) {
          mapper.handle(message, writer, context, lineNumber, end - start + 1);
          writer.flush();
          if (message instanceof StateMessage) {
            out.flush();
          }
        }
      }
      if ((lineNumber & 1023) == 0 && System.currentTimeMillis() >= nextMetric) {
        metrics.accept(mapper.counts());
        nextMetric = System.currentTimeMillis() + metricMillis;
      }
    }
    out.flush();
    metrics.accept(mapper.counts());
  }

  /** Handles a RECORD line as bytes; false when it must go the slow way. */
  private boolean fastRecord(int start, int end, OutputStream out) throws IOException {
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
    String stream = streamName(nameStart, quote);
    Plan plan = plans.get(stream);
    if (plan == null) {
      out.write(buffer, start, end - start);
      out.write('\n');
      mapper.count(stream, end - start + 1);
      return true;
    }
    if (plan.needsTree()) {
      return false;
    }
    int recordStart = quote + RECORD_FIELD.length - 1;
    int recordEnd;
    try {
      recordEnd = mapRecord(plan, recordStart, end);
    } catch (IOException e) {
      // not valid JSON: the slow path reports the line as a protocol error
      return false;
    }
    if (plan.stream().filter() != null || !plan.stream().computed().isEmpty()) {
      context.record = captured;
      if (!keeps(plan)) {
        mapper.counts().computeIfAbsent(plan.outputName(), key -> new Mapper.Counts()).filtered++;
        return true;
      }
      Object[] values = Mapper.computed(plan.stream(), context, lineNumber);
      if (values != null) {
        for (int index = 0; index < values.length; index++) {
          if (scratch.size() > plan.prefix().length) {
            scratch.write(',');
          }
          scratch.write(plan.computedNames().get(index));
          scratch.write(Json.write(Mapper.toNode(values[index])).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    scratch.write('}');
    scratch.writeTo(out);
    out.write(buffer, recordEnd, end - recordEnd);
    out.write('\n');
    mapper.count(plan.outputName(), end - start + 1);
    return true;
  }

  private boolean keeps(Plan plan) {
    FilterMemo memo = plan.memo();
    if (memo == null || !memo.enabled) {
      return Mapper.keeps(plan.stream(), context, lineNumber);
    }
    List<Object> key = new java.util.ArrayList<>(plan.filterInputs().size());
    for (String input : plan.filterInputs()) {
      Object value = captured.get(input);
      if (value instanceof Map || value instanceof List) {
        // a nested value may be large: not worth remembering
        return Mapper.keeps(plan.stream(), context, lineNumber);
      }
      key.add(value);
    }
    Boolean verdict = memo.find(key);
    if (verdict == null) {
      verdict = Mapper.keeps(plan.stream(), context, lineNumber);
      if (memo.enabled) {
        memo.put(key, verdict);
      }
    }
    return verdict;
  }

  private String streamName(int from, int to) {
    if (!Arrays.equals(buffer, from, to, lastStreamBytes, 0, lastStreamBytes.length)) {
      lastStreamBytes = Arrays.copyOfRange(buffer, from, to);
      lastStream = new String(lastStreamBytes, StandardCharsets.UTF_8);
    }
    return lastStream;
  }

  /**
   * Writes the prefix and the mapped properties of the record at {@code recordStart} into the
   * scratch buffer (without the closing brace), captures what expressions read, and returns where
   * the record ends in the line.
   *
   * <p>The record is scanned as bytes, property by property: a name is compared with the mapped
   * names as its encoded bytes; a value is only delimited (strings by their quotes and escapes,
   * objects and arrays by their brackets), and decoded only when an expression reads it or it is
   * hashed or masked.
   *
   * @throws IOException when the record is not a well-formed JSON object
   */
  private int mapRecord(Plan plan, int recordStart, int end) throws IOException {
    scratch.reset();
    scratch.write(plan.prefix());
    captured.clear();
    boolean first = true;
    int at = skipBlank(recordStart + 1, end);
    if (at < end && buffer[at] == '}') {
      return at + 1;
    }
    while (true) {
      if (at >= end || buffer[at] != '"') {
        throw new IOException("a property name was expected");
      }
      int nameStart = at;
      int nameEnd = stringEnd(at, end);
      at = skipBlank(nameEnd, end);
      if (at >= end || buffer[at] != ':') {
        throw new IOException("':' was expected");
      }
      int valueStart = skipBlank(at + 1, end);
      int valueEnd = valueEnd(valueStart, end);
      Known match = known(plan, nameStart, nameEnd);
      FieldAction action = match == null ? null : match.action();
      if (match != null && match.captured()) {
        captured.put(match.name(), valueOf(valueStart, valueEnd));
      }
      if (action == null) {
        if (!first) {
          scratch.write(',');
        }
        scratch.write(buffer, nameStart, valueEnd - nameStart);
        first = false;
      } else if (!action.action().drop()) {
        if (!first) {
          scratch.write(',');
        }
        first = false;
        scratch.write(action.outputName());
        MapperConfig.PropertyAction what = action.action();
        boolean isNull = valueEnd - valueStart == 4 && buffer[valueStart] == 'n';
        if (isNull || !(what.hash() || what.mask())) {
          scratch.write(buffer, valueStart, valueEnd - valueStart);
        } else if (what.hash()) {
          scratch.write('"');
          scratch.write(hashValue(valueStart, valueEnd));
          scratch.write('"');
        } else {
          String masked = Mapper.mask(textOf(valueStart, valueEnd), what);
          scratch.write(Json.write(Json.NODES.textNode(masked)).getBytes(StandardCharsets.UTF_8));
        }
      }
      at = skipBlank(valueEnd, end);
      if (at < end && buffer[at] == ',') {
        at = skipBlank(at + 1, end);
        continue;
      }
      if (at < end && buffer[at] == '}') {
        return at + 1;
      }
      throw new IOException("',' or '}' was expected");
    }
  }

  private int skipBlank(int at, int end) {
    while (at < end && (buffer[at] == ' ' || buffer[at] == '\t' || buffer[at] == '\r' || buffer[at] == '\n')) {
      at++;
    }
    return at;
  }

  /** Where the string starting with the quote at {@code at} ends (after its closing quote). */
  private int stringEnd(int at, int end) throws IOException {
    int index = at + 1;
    while (index < end) {
      byte b = buffer[index];
      if (b == '"') {
        return index + 1;
      }
      index += b == '\\' ? 2 : 1;
    }
    throw new IOException("an unterminated string");
  }

  /** Where the value starting at {@code at} ends. */
  private int valueEnd(int at, int end) throws IOException {
    if (at >= end) {
      throw new IOException("a value was expected");
    }
    byte b = buffer[at];
    if (b == '"') {
      return stringEnd(at, end);
    }
    if (b == '{' || b == '[') {
      int depth = 0;
      int index = at;
      while (index < end) {
        byte c = buffer[index];
        if (c == '"') {
          index = stringEnd(index, end);
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
      throw new IOException("an unterminated object or array");
    }
    int index = at;
    while (index < end) {
      byte c = buffer[index];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        break;
      }
      index++;
    }
    if (index == at) {
      throw new IOException("a value was expected");
    }
    return index;
  }

  private boolean hasEscape(int from, int to) {
    for (int index = from; index < to; index++) {
      if (buffer[index] == '\\') {
        return true;
      }
    }
    return false;
  }

  /** The known name at {@code buffer[nameStart, nameEnd)} (quotes included), or {@code null}. */
  private Known known(Plan plan, int nameStart, int nameEnd) {
    for (Known candidate : plan.known()) {
      if (Arrays.equals(buffer, nameStart, nameEnd, candidate.quoted(), 0, candidate.quoted().length)) {
        return candidate;
      }
    }
    if (!hasEscape(nameStart + 1, nameEnd - 1)) {
      return null;
    }
    // a name written with escapes: compare it decoded
    String name = nameOf(nameStart, nameEnd);
    for (Known candidate : plan.known()) {
      if (candidate.name().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  private String nameOf(int nameStart, int nameEnd) {
    if (!hasEscape(nameStart + 1, nameEnd - 1)) {
      return new String(buffer, nameStart + 1, nameEnd - nameStart - 2, StandardCharsets.UTF_8);
    }
    return Json.parse(new String(buffer, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8)).textValue();
  }

  /** The value as hashing and masking see it: a string's content, a number's plain digits, else its JSON. */
  private String textOf(int valueStart, int valueEnd) {
    byte b = buffer[valueStart];
    if (b == '"' && !hasEscape(valueStart + 1, valueEnd - 1)) {
      return new String(buffer, valueStart + 1, valueEnd - valueStart - 2, StandardCharsets.UTF_8);
    }
    return Mapper.textOf(Json.parse(new String(buffer, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
  }

  /** The lower-case hex SHA-256 of the salt and the value's text, as ASCII bytes. */
  private byte[] hashValue(int valueStart, int valueEnd) {
    if (buffer[valueStart] == '"' && !hasEscape(valueStart + 1, valueEnd - 1)) {
      return mapper.hashBytes(buffer, valueStart + 1, valueEnd - valueStart - 2);
    }
    byte[] text = textOf(valueStart, valueEnd).getBytes(StandardCharsets.UTF_8);
    return mapper.hashBytes(text, 0, text.length);
  }

  /** The value as an expression sees it: text, number, boolean, null, map or list. */
  private Object valueOf(int valueStart, int valueEnd) {
    byte b = buffer[valueStart];
    if (b == '"' && !hasEscape(valueStart + 1, valueEnd - 1)) {
      return new String(buffer, valueStart + 1, valueEnd - valueStart - 2, StandardCharsets.UTF_8);
    }
    return Mapper.fromNode(Json.parse(new String(buffer, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8)));
  }

  private int lineStart;
  private int lineEnd;

  /** The next line into {@code buffer[lineStart, lineEnd)}, without its line end; false at the end. */
  private boolean readLine(InputStream in) throws IOException {
    int scan = position;
    while (true) {
      for (int index = scan; index < limit; index++) {
        if (buffer[index] == '\n') {
          lineStart = position;
          lineEnd = index;
          position = index + 1;
          lineNumber++;
          return true;
        }
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

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t' || b == '\r';
  }

  /** Keeps the writer of slow-path messages from closing the shared output. */
  private static final class NonClosing extends OutputStream {
    private final OutputStream out;

    NonClosing(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() {
      // the caller closes the output
    }
  }

}
