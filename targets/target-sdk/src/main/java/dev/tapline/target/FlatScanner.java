package dev.tapline.target;

import dev.tapline.spec.JsonBytes;
import dev.tapline.spec.SchemaMessage;
import dev.tapline.spec.Timestamps;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RECORD lines of streams with a {@link FlatLayout} into {@link FlatRecord}s, on the reading
 * thread, without building trees: one pass over the bytes that checks the JSON grammar, finds
 * each value's kind and place, and copies the record object into a shared byte array. It accepts
 * only the plainest lines: the fields {@code type} (exactly {@code "RECORD"}), {@code stream}
 * (before {@code record}), {@code record}, {@code time_extracted} and {@code version}, a record
 * whose keys are the schema's property names without escapes, each at most once, with scalar
 * values (no exponent, integers of at most 18 digits, strings in valid UTF-8). Anything else, and
 * any record the layout does not accept, is left to the ordinary parser and validator, which judge
 * it and word any error; so this class never needs to say why it declined.
 */
final class FlatScanner {

  private final List<FlatLayout> layouts = new ArrayList<>();
  private final FlatLayout.AsciiView view = new FlatLayout.AsciiView();
  private FlatLayout last;

  private static final int BYTES_SIZE = 1 << 18;
  private static final int SLOTS_SIZE = 1 << 14;

  /*
   * The shared arrays start small, so that their refill is taken within the first few records:
   * then the JIT compiles the scanner with that branch seen, instead of compiling it without and
   * throwing the compiled code away at the first refill (measured: ~70 ms of C2 time per run).
   */
  private byte[] bytes = new byte[2048];
  private int byteCount;
  private int[] slots = new int[96];
  private int slotCount;

  private static final java.util.concurrent.atomic.AtomicBoolean WARMED_UP = new java.util.concurrent.atomic.AtomicBoolean();

  /** A schema and lines that take every branch of the scanner that real inputs take only now and then. */
  private static final String WARM_UP_SCHEMA = "{\"type\":\"SCHEMA\",\"stream\":\"w\",\"schema\":{\"type\":\"object\","
      + "\"properties\":{\"i\":{\"type\":\"integer\"},\"n\":{\"type\":[\"null\",\"number\"],\"multipleOf\":0.01},"
      + "\"s\":{\"type\":[\"null\",\"string\"],\"maxLength\":20},\"t\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"},"
      + "\"d\":{\"type\":\"string\",\"format\":\"date\"},\"c\":{\"type\":\"string\",\"format\":\"time\"},"
      + "\"b\":{\"type\":\"boolean\"},\"x\":{\"type\":[\"null\",\"object\"]}}},\"key_properties\":[\"i\"]}";

  private static final String[] WARM_UP_LINES = {
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"n\":12.5,\"s\":\"a b\",\"t\":\"2024-01-02T03:04:05Z\","
        + "\"d\":\"2024-01-02\",\"c\":\"10:00:00\",\"b\":true,\"x\":null},\"time_extracted\":\"2024-01-02T03:04:05.5+01:00\"}",
    "{\"type\": \"RECORD\", \"stream\": \"w\", \"record\": {\"i\": -20, \"n\": 0.05, \"s\": \"caf\u00e9\\n\", \"b\": false}, \"version\": 3}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"s\":\"\u00e9t\u00e9\",\"i\":0,\"n\":-0.5,\"t\":null},\"version\":null,\"time_extracted\":null}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"n\":1e3}}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"n\":1.001}}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"x\":{\"y\":1}}}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"t\":\"yesterday\"}}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1,\"other\":2}}",
    "{\"type\":\"RECORD\",\"stream\":\"v\",\"record\":{\"i\":1}}",
    "{\"type\":\"RECORD\",\"stream\":\"w\",\"record\":{\"i\":1},\"sequence\":1}",
    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{}}}",
    "{\"type\":\"SCHEMA\",\"stream\":\"w\",\"schema\":{}}",
    "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"w\",\"version\":1}",
  };

  /** Rounds over the warm-up lines: enough for the profiling tier to take over (~3 ms). */
  private static final int WARM_UP_ROUNDS = Integer.getInteger("tapline.flatWarmUp", 250);

  /**
   * Scans lines of every kind many times, once per process ({@link MessagePump} runs it on a
   * thread of its own as reading starts), so that the JIT's profile of the scanner has seen the
   * branches that real inputs take only now and then (a STATE between records, a number starting
   * with 0, a declined record); otherwise the first of each throws the compiled scanner away and
   * it is compiled again (each compile of the scanner costs ~0.1 CPU-s).
   */
  static void warmUp() {
    if (!WARMED_UP.compareAndSet(false, true)) {
      return;
    }
    FlatScanner scanner = new FlatScanner();
    scanner.schema((SchemaMessage) dev.tapline.spec.MessageReader.parse(WARM_UP_SCHEMA, 1, warning -> { }));
    byte[][] lines = new byte[WARM_UP_LINES.length][];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = WARM_UP_LINES[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    for (int round = 0; round < WARM_UP_ROUNDS; round++) {
      for (byte[] line : lines) {
        scanner.scan(line, 0, line.length);
      }
    }
  }

  /** Takes the layout of a SCHEMA (or drops the stream's layout when its schema has none). */
  void schema(SchemaMessage message) {
    layouts.removeIf(layout -> layout.stream().equals(message.stream()));
    FlatLayout layout = FlatLayout.of(message);
    if (layout != null) {
      layouts.add(layout);
    }
    last = null;
  }
  /** The line as a flat record, or null when the ordinary parser must read it. */
  FlatRecord scan(byte[] line, int start, int end) {
    if (layouts.isEmpty()) {
      return null;
    }
    try {
      return scanLine(line, start, end);
    } catch (ArrayIndexOutOfBoundsException e) {
      // a line cut short inside a value: the ordinary parser words the error
      return null;
    }
  }

  /** How Singer taps begin a RECORD line: compact (Java, Go, jq) and Python's json.dumps spelling. */
  private static final byte[] COMPACT_START = ascii("{\"type\":\"RECORD\",\"stream\":\"");
  private static final byte[] COMPACT_RECORD = ascii("\",\"record\":");
  private static final byte[] SPACED_START = ascii("{\"type\": \"RECORD\", \"stream\": \"");
  private static final byte[] SPACED_RECORD = ascii("\", \"record\": ");

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /*
   * Values of the fields after the record object, set by timeExtractedEnd and versionEnd. The
   * last time_extracted is kept with its text, since consecutive records usually share it.
   */
  private String timeExtracted;
  private Long version;
  private byte[] lastTimeBytes = new byte[0];
  private String lastTime;

  /**
   * The usual line, {@code {"type":"RECORD","stream":"s","record":{...}} followed by {@code
   * time_extracted} and {@code version} in either order, compact or spaced as Python writes it,
   * is read here: a short method, which the JIT compiles quickly. Any other line goes to {@link
   * #scanAnyOrder}.
   */
  private FlatRecord scanLine(byte[] b, int start, int end) {
    byte[] first;
    byte[] second;
    if (startsWith(b, start, end, COMPACT_START)) {
      first = COMPACT_START;
      second = COMPACT_RECORD;
    } else if (startsWith(b, start, end, SPACED_START)) {
      first = SPACED_START;
      second = SPACED_RECORD;
    } else {
      return scanAnyOrder(b, start, end);
    }
    int nameStart = start + first.length;
    int nameEnd = plainStringEnd(b, nameStart, end);
    if (nameEnd < 0 || !startsWith(b, nameEnd, end, second)) {
      return scanAnyOrder(b, start, end);
    }
    FlatLayout layout = layoutOf(b, nameStart, nameEnd);
    if (layout == null) {
      return null;
    }
    int base = reserve(layout.size());
    int recordStart = nameEnd + second.length;
    int recordEnd = scanRecord(layout, b, recordStart, end, base);
    if (recordEnd < 0) {
      slotCount = base;
      return null;
    }
    timeExtracted = null;
    version = null;
    boolean timeSeen = false;
    boolean versionSeen = false;
    int p = skip(b, recordEnd, end);
    while (at(b, p, end) == ',') {
      p = skip(b, p + 1, end);
      if (at(b, p, end) != '"') {
        p = -1;
        break;
      }
      int keyStart = p + 1;
      int keyEnd = plainStringEnd(b, keyStart, end);
      if (keyEnd < 0) {
        p = -1;
        break;
      }
      p = skip(b, keyEnd + 1, end);
      if (at(b, p, end) != ':') {
        p = -1;
        break;
      }
      p = skip(b, p + 1, end);
      if (!timeSeen && is(b, keyStart, keyEnd, "time_extracted")) {
        timeSeen = true;
        p = timeExtractedEnd(b, p, end);
      } else if (!versionSeen && is(b, keyStart, keyEnd, "version")) {
        versionSeen = true;
        p = versionEnd(b, p, end);
      } else {
        p = -1;
      }
      if (p < 0) {
        break;
      }
      p = skip(b, p, end);
    }
    if (p < 0 || at(b, p, end) != '}' || skip(b, p + 1, end) != end) {
      slotCount = base;
      return null;
    }
    return finish(layout, b, recordStart, recordEnd, base, version, timeExtracted);
  }

  private static boolean startsWith(byte[] b, int at, int end, byte[] prefix) {
    if (end - at < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads a {@code time_extracted} value at {@code p} (a timestamp the reader accepts, or null)
   * into {@link #timeExtracted}; returns the index after it, or -1.
   */
  private int timeExtractedEnd(byte[] b, int p, int end) {
    if (at(b, p, end) == 'n') {
      return literal(b, p, end, "null") ? p + 4 : -1;
    }
    if (at(b, p, end) != '"') {
      return -1;
    }
    int valueEnd = plainStringEnd(b, p + 1, end);
    if (valueEnd < 0) {
      return -1;
    }
    byte[] last = lastTimeBytes;
    if (valueEnd - (p + 1) == last.length && java.util.Arrays.equals(b, p + 1, valueEnd, last, 0, last.length)) {
      timeExtracted = lastTime;
      return valueEnd + 1;
    }
    return newTimeExtracted(b, p + 1, valueEnd) ? valueEnd + 1 : -1;
  }

  /** Checks a time_extracted unlike the last one, and keeps it. */
  private boolean newTimeExtracted(byte[] b, int start, int end) {
    view.set(b, start, end);
    if (!Timestamps.isTimestamp(view)) {
      return false;
    }
    lastTime = view.toString();
    lastTimeBytes = java.util.Arrays.copyOfRange(b, start, end);
    timeExtracted = lastTime;
    return true;
  }

  /** Reads a {@code version} value at {@code p} (at most 18 digits, or null) into {@link #version}; -1 if other. */
  private int versionEnd(byte[] b, int p, int end) {
    if (at(b, p, end) == 'n') {
      return literal(b, p, end, "null") ? p + 4 : -1;
    }
    int numberEnd = integerEnd(b, p, end);
    if (numberEnd < 0) {
      return -1;
    }
    version = JsonBytes.parseLong(b, p, numberEnd);
    return numberEnd;
  }

  /**
   * Copies a scanned record object into the shared bytes (its slots move with it) and checks its
   * values against the layout; null when the layout does not accept them.
   */
  private FlatRecord finish(FlatLayout layout, byte[] b, int recordStart, int recordEnd, int base, Long version,
      String timeExtracted) {
    int length = recordEnd - recordStart;
    if (byteCount + length > bytes.length) {
      bytes = new byte[Math.max(BYTES_SIZE, length)];
      byteCount = 0;
    }
    System.arraycopy(b, recordStart, bytes, byteCount, length);
    int shift = byteCount - recordStart;
    int[] slots = this.slots;
    for (int i = 0; i < layout.size(); i++) {
      int slot = base + 3 * i;
      if (slots[slot] != FlatRecord.MISSING) {
        slots[slot + 1] += shift;
        slots[slot + 2] += shift;
      }
    }
    if (!layout.accepts(bytes, slots, base, view)) {
      slotCount = base;
      return null;
    }
    FlatRecord record = new FlatRecord(layout, bytes, slots, base, byteCount, byteCount + length, version, timeExtracted);
    byteCount += length;
    return record;
  }

  /** Any RECORD line: its fields in any order, with any blanks between tokens. */
  private FlatRecord scanAnyOrder(byte[] b, int start, int end) {
    int p = skip(b, start, end);
    if (p >= end || at(b, p, end) != '{') {
      return null;
    }
    p = skip(b, p + 1, end);
    boolean typed = false;
    FlatLayout layout = null;
    int recordStart = -1;
    int recordEnd = -1;
    int base = -1;
    timeExtracted = null;
    version = null;
    boolean versionSeen = false;
    boolean timeSeen = false;
    while (true) {
      if (p >= end || at(b, p, end) != '"') {
        break;
      }
      int keyStart = p + 1;
      int keyEnd = plainStringEnd(b, keyStart, end);
      if (keyEnd < 0) {
        break;
      }
      p = skip(b, keyEnd + 1, end);
      if (at(b, p, end) != ':') {
        break;
      }
      p = skip(b, p + 1, end);
      if (is(b, keyStart, keyEnd, "type")) {
        if (typed || at(b, p, end) != '"') {
          break;
        }
        int valueEnd = plainStringEnd(b, p + 1, end);
        if (valueEnd < 0 || !is(b, p + 1, valueEnd, "RECORD")) {
          break;
        }
        typed = true;
        p = valueEnd + 1;
      } else if (is(b, keyStart, keyEnd, "stream")) {
        if (layout != null || at(b, p, end) != '"') {
          break;
        }
        int valueEnd = plainStringEnd(b, p + 1, end);
        if (valueEnd < 0) {
          break;
        }
        layout = layoutOf(b, p + 1, valueEnd);
        if (layout == null) {
          break;
        }
        p = valueEnd + 1;
      } else if (is(b, keyStart, keyEnd, "record")) {
        if (layout == null || recordStart >= 0) {
          break;
        }
        base = reserve(layout.size());
        recordStart = p;
        p = scanRecord(layout, b, p, end, base);
        if (p < 0) {
          break;
        }
        recordEnd = p;
      } else if (is(b, keyStart, keyEnd, "time_extracted")) {
        if (timeSeen) {
          break;
        }
        timeSeen = true;
        p = timeExtractedEnd(b, p, end);
        if (p < 0) {
          break;
        }
      } else if (is(b, keyStart, keyEnd, "version")) {
        if (versionSeen) {
          break;
        }
        versionSeen = true;
        p = versionEnd(b, p, end);
        if (p < 0) {
          break;
        }
      } else {
        break;
      }
      p = skip(b, p, end);
      if (at(b, p, end) == ',') {
        p = skip(b, p + 1, end);
        continue;
      }
      if (at(b, p, end) == '}' && skip(b, p + 1, end) == end && typed && recordEnd >= 0) {
        return finish(layout, b, recordStart, recordEnd, base, version, timeExtracted);
      }
      break;
    }
    if (base >= 0) {
      slotCount = base;
    }
    return null;
  }

  /** Reserves the slots of a record, all {@link FlatRecord#MISSING}; returns where they start. */
  private int reserve(int properties) {
    int needed = 3 * properties;
    if (slotCount + needed > slots.length) {
      // earlier records keep the old array
      slots = new int[Math.max(SLOTS_SIZE, needed)];
      slotCount = 0;
    }
    int base = slotCount;
    java.util.Arrays.fill(slots, base, base + needed, FlatRecord.MISSING);
    slotCount += needed;
    return base;
  }

  private FlatLayout layoutOf(byte[] b, int start, int end) {
    FlatLayout layout = last;
    if (layout != null && layout.isStream(b, start, end)) {
      return layout;
    }
    for (FlatLayout candidate : layouts) {
      if (candidate.isStream(b, start, end)) {
        last = candidate;
        return candidate;
      }
    }
    return null;
  }

  /**
   * Reads a record object at {@code p} into the slots at {@code base}; returns the index after
   * its closing brace, or -1 when the record must go the ordinary way.
   */
  private int scanRecord(FlatLayout layout, byte[] b, int p, int end, int base) {
    int[] slots = this.slots;
    if (at(b, p, end) != '{') {
      return -1;
    }
    p = skip(b, p + 1, end);
    if (at(b, p, end) == '}') {
      return p + 1;
    }
    int expected = 0;
    while (true) {
      if (at(b, p, end) != '"') {
        return -1;
      }
      int keyStart = p + 1;
      int keyEnd = plainStringEnd(b, keyStart, end);
      if (keyEnd < 0) {
        return -1;
      }
      int index = layout.find(b, keyStart, keyEnd, expected);
      if (index < 0) {
        return -1;
      }
      int slot = base + 3 * index;
      if (slots[slot] != FlatRecord.MISSING) {
        return -1;
      }
      p = skip(b, keyEnd + 1, end);
      if (at(b, p, end) != ':') {
        return -1;
      }
      p = skip(b, p + 1, end);
      int kind;
      int valueStart = p;
      int valueEnd;
      byte c = at(b, p, end);
      if (c == '"') {
        valueStart = p + 1;
        kind = FlatRecord.ASCII;
        int i = valueStart;
        while (true) {
          byte x = at(b, i, end);
          if (x == '"') {
            break;
          }
          if (x == '\\') {
            i = escapeEnd(b, i, end);
            if (i < 0) {
              return -1;
            }
            kind = FlatRecord.ESCAPED;
            continue;
          }
          if (x >= 0 && x < 0x20) {
            return -1;
          }
          if (x < 0) {
            i = utf8End(b, i, end);
            if (i < 0) {
              return -1;
            }
            if (kind == FlatRecord.ASCII) {
              kind = FlatRecord.UTF8;
            }
            continue;
          }
          i++;
        }
        valueEnd = i;
        p = i + 1;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        valueEnd = numberEnd(b, p, end);
        if (valueEnd < 0) {
          return -1;
        }
        kind = numberKind;
        p = valueEnd;
      } else if (c == 't') {
        if (!literal(b, p, end, "true")) {
          return -1;
        }
        kind = FlatRecord.TRUE;
        valueEnd = p + 4;
        p = valueEnd;
      } else if (c == 'f') {
        if (!literal(b, p, end, "false")) {
          return -1;
        }
        kind = FlatRecord.FALSE;
        valueEnd = p + 5;
        p = valueEnd;
      } else if (c == 'n') {
        if (!literal(b, p, end, "null")) {
          return -1;
        }
        kind = FlatRecord.NULL;
        valueEnd = p + 4;
        p = valueEnd;
      } else {
        return -1;
      }
      slots[slot] = kind;
      slots[slot + 1] = valueStart;
      slots[slot + 2] = valueEnd;
      expected = index + 1;
      p = skip(b, p, end);
      if (at(b, p, end) == ',') {
        p = skip(b, p + 1, end);
        continue;
      }
      if (at(b, p, end) == '}') {
        return p + 1;
      }
      return -1;
    }
  }

  /** Set by {@link #numberEnd}: {@link FlatRecord#INTEGER} or {@link FlatRecord#DECIMAL}. */
  private int numberKind;

  /**
   * The end of a JSON number at {@code p} that is an integer of at most 18 digits or a decimal
   * without exponent; -1 for any other (or invalid) number.
   */
  private int numberEnd(byte[] b, int p, int end) {
    if (p >= end) {
      return -1;
    }
    int i = p;
    if (b[i] == '-') {
      i++;
    }
    int digitsStart = i;
    if (i >= end) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    } else {
      return -1;
    }
    int integerDigits = i - digitsStart;
    if (i < end && b[i] == '.') {
      i++;
      int fractionStart = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == fractionStart) {
        return -1;
      }
      numberKind = FlatRecord.DECIMAL;
    } else {
      if (integerDigits > 18) {
        return -1;
      }
      numberKind = FlatRecord.INTEGER;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E' || (b[i] >= '0' && b[i] <= '9'))) {
      return -1;
    }
    // the reader refuses longer numbers
    return i - p > dev.tapline.spec.Json.MAX_NUMBER_LENGTH ? -1 : i;
  }

  /** The end of an integer of at most 18 digits at {@code p}, or -1. */
  private int integerEnd(byte[] b, int p, int end) {
    int numberEnd = numberEnd(b, p, end);
    return numberEnd >= 0 && numberKind == FlatRecord.INTEGER ? numberEnd : -1;
  }

  /** The index after a valid escape at {@code i} (a backslash), or -1. */
  private static int escapeEnd(byte[] b, int i, int end) {
    if (i + 1 >= end) {
      return -1;
    }
    switch (b[i + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
        return i + 2;
      case 'u':
        if (i + 6 > end) {
          return -1;
        }
        for (int k = i + 2; k < i + 6; k++) {
          byte h = b[k];
          if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
            return -1;
          }
        }
        return i + 6;
      default:
        return -1;
    }
  }

  /**
   * The index after the well-formed UTF-8 sequence starting at {@code i} (a byte above 0x7F):
   * shortest form, no surrogates, at most U+10FFFF; -1 for any other.
   */
  private static int utf8End(byte[] b, int i, int end) {
    int lead = b[i] & 0xFF;
    int length;
    int minimum;
    int code;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      minimum = 0x80;
      code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      minimum = 0x800;
      code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      minimum = 0x10000;
      code = lead & 0x07;
    } else {
      return -1;
    }
    if (i + length > end) {
      return -1;
    }
    for (int k = 1; k < length; k++) {
      int next = b[i + k] & 0xFF;
      if ((next & 0xC0) != 0x80) {
        return -1;
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return -1;
    }
    return i + length;
  }

  /** The index of the closing quote of a string without escapes or control characters at {@code i}, or -1. */
  private static int plainStringEnd(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        return -1;
      }
      if (c < 0) {
        i = utf8End(b, i, end);
        if (i < 0) {
          return -1;
        }
        continue;
      }
      i++;
    }
    return -1;
  }

  private static boolean is(byte[] b, int start, int end, String ascii) {
    if (end - start != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (b[start + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean literal(byte[] b, int p, int end, String word) {
    if (p + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[p + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The byte at {@code p}, or 0 (which no grammar rule accepts there) past the line's end. */
  private static byte at(byte[] b, int p, int end) {
    return p < end ? b[p] : 0;
  }

  private static int skip(byte[] b, int p, int end) {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return p;
      }
      p++;
    }
    return p;
  }
}
