package dev.tapline.tap.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.ConfigurationException;
import dev.tapline.spec.Json;
import dev.tapline.spec.Log;
import dev.tapline.spec.TaplineException;
import dev.tapline.tap.DecimalTextNode;
import dev.tapline.tap.PlainTextNode;
import dev.tapline.tap.RecordLayout;
import dev.tapline.tap.StreamContext;
import dev.tapline.tap.StreamSpec;
import dev.tapline.tap.TapStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** One entity: its files, columns and records. The columns are settled when it is made. */
final class CsvStream implements TapStream {

  static final String SOURCE_FILE = "_sdc_source_file";
  static final String SOURCE_LINE = "_sdc_source_lineno";

  private static final Log LOG = Log.of(CsvStream.class);

  private final CsvTap.FileDefinition definition;
  private final List<Path> files;
  private final boolean metadataColumns;
  private final int sampleRows;
  private final List<String> headers;
  private final List<Column> columns;
  private final StreamSpec spec;

  CsvStream(CsvTap.FileDefinition definition, int sampleRows, boolean metadataColumns) {
    this.definition = definition;
    this.sampleRows = sampleRows;
    this.metadataColumns = metadataColumns;
    this.files = CsvFiles.resolve(definition.path(), definition.entity());
    List<String[]> sample = new ArrayList<>();
    this.headers = readSample(sample);
    List<String> names = ColumnNames.of(headers);
    List<String> keys = new ArrayList<>();
    for (String key : definition.keys()) {
      keys.add(names.get(columnIndex(key, names, "key")));
    }
    String replicationKey = definition.replicationKey()
        .map(key -> names.get(columnIndex(key, names, "replication_key")))
        .orElse(null);
    ObjectNode declared = declaredProperties();
    List<Column> settled = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      String header = headers.get(i);
      String name = names.get(i);
      JsonNode property = declared == null ? null : declared.has(name) ? declared.get(name) : declared.get(header);
      if (property instanceof ObjectNode object) {
        settled.add(Column.declared(header, name, object));
        continue;
      }
      ColumnInference inference = new ColumnInference();
      for (String[] row : sample) {
        inference.add(i < row.length ? row[i] : "");
      }
      settled.add(inference.result(header, name, keys.contains(name)));
    }
    if (declared != null) {
      declared.fieldNames().forEachRemaining(property -> {
        if (!names.contains(property) && !headers.contains(property)) {
          LOG.warn("Entity '" + definition.entity() + "': the declared schema's property '" + property
              + "' is not a column of " + files.get(0) + "; it is ignored.");
        }
      });
    }
    this.columns = List.copyOf(settled);
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    columns.forEach(column -> properties.set(column.name(), column.schema()));
    if (metadataColumns) {
      properties.putObject(SOURCE_FILE).put("type", "string");
      properties.putObject(SOURCE_LINE).put("type", "integer");
    }
    StreamSpec built = StreamSpec.of(definition.entity(), schema).withKeyProperties(keys);
    if (replicationKey != null) {
      built = built.withReplicationKey(replicationKey, definition.sorted());
    }
    this.spec = built;
  }

  private ObjectNode declaredProperties() {
    if (definition.schema().isEmpty()) {
      return null;
    }
    ObjectNode schema = definition.schema().get();
    JsonNode properties = schema.get("properties");
    return properties instanceof ObjectNode object ? object : schema;
  }

  private int columnIndex(String column, List<String> names, String setting) {
    int index = headers.indexOf(column);
    if (index < 0) {
      index = names.indexOf(column);
    }
    if (index < 0) {
      throw new ConfigurationException("Entity '" + definition.entity() + "': " + setting + " '" + column
          + "' is not a column of " + files.get(0) + "; the columns are " + names + ".");
    }
    return index;
  }

  /** Reads the header of the first file and up to {@code sampleRows} rows over the files. */
  private List<String> readSample(List<String[]> sample) {
    List<String> header = null;
    for (Path file : files) {
      try (RowReader parser = parser(file)) {
        String[] first = parser.next();
        if (first == null) {
          continue;
        }
        if (header == null) {
          header = List.of(first);
        }
        String[] row;
        while (sample.size() < sampleRows && (row = parser.next()) != null) {
          sample.add(row);
        }
      } catch (IOException e) {
        throw unreadable(file, e);
      } catch (UncheckedIOException e) {
        throw unreadable(file, e.getCause());
      }
      if (sample.size() >= sampleRows) {
        break;
      }
    }
    if (header == null) {
      throw new ConfigurationException("Entity '" + definition.entity() + "': " + files.get(0)
          + (files.size() > 1 ? " and the other files are" : " is") + " empty; a CSV file needs a header row.");
    }
    return header;
  }

  private RowReader parser(Path file) throws IOException {
    return CsvFiles.rows(file, definition.encoding(), definition.delimiter(), definition.quotechar());
  }

  private TaplineException unreadable(Path file, IOException e) {
    if (e instanceof CharacterCodingException) {
      return new ConfigurationException("Entity '" + definition.entity() + "': " + file + " is not valid "
          + definition.encoding().name() + " text; set \"encoding\" for this entity (e.g. latin1).", e);
    }
    return new TaplineException("Entity '" + definition.entity() + "': cannot read " + file + ": " + e.getMessage(), e);
  }

  @Override
  public StreamSpec spec() {
    return spec;
  }

  @Override
  public Stream<ObjectNode> records(StreamContext context) {
    Rows rows = new Rows(context);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(rows::close);
  }

  /** The rows of all files as records; reads lazily, one file open at a time. */
  private final class Rows implements Iterator<ObjectNode> {
    private final int[] selectedColumns;
    private final ColumnKind[] kinds;
    private final boolean[] nullable;
    private final int[] scales;
    private final int[] integerDigits;
    private final RecordLayout layout;
    private final int columnCount;
    private int fileIndex;
    private Path file;
    private TextNode fileName;
    private RowReader parser;
    private ByteCsvParser bytes;
    private boolean pending;

    Rows(StreamContext context) {
      List<Integer> selected = new ArrayList<>();
      List<String> selectedNames = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        if (context.isPropertySelected(columns.get(i).name())) {
          selected.add(i);
          selectedNames.add(columns.get(i).name());
        }
      }
      if (metadataColumns) {
        selectedNames.add(SOURCE_FILE);
        selectedNames.add(SOURCE_LINE);
      }
      selectedColumns = selected.stream().mapToInt(Integer::intValue).toArray();
      layout = new RecordLayout(selectedNames);
      columnCount = columns.size();
      kinds = new ColumnKind[columnCount];
      nullable = new boolean[columnCount];
      scales = new int[columnCount];
      integerDigits = new int[columnCount];
      for (int i = 0; i < columnCount; i++) {
        Column column = columns.get(i);
        kinds[i] = column.kind();
        nullable[i] = column.nullable();
        scales[i] = column.scale();
        integerDigits[i] = column.precision() - column.scale();
      }
    }

    @Override
    public boolean hasNext() {
      try {
        while (!pending) {
          if (parser == null && !openNext()) {
            return false;
          }
          pending = parser.advance();
          if (!pending) {
            parser.close();
            parser = null;
          }
        }
        return true;
      } catch (IOException e) {
        throw unreadable(file, e);
      } catch (UncheckedIOException e) {
        throw unreadable(file, e.getCause());
      }
    }

    private boolean openNext() throws IOException {
      if (fileIndex == files.size()) {
        return false;
      }
      file = files.get(fileIndex++);
      fileName = new TextNode(file.toString());
      parser = parser(file);
      bytes = parser instanceof ByteCsvParser byteParser ? byteParser : null;
      String[] header = parser.next();
      if (header != null && !Arrays.asList(header).equals(headers)) {
        throw new TaplineException("Entity '" + definition.entity() + "': the header of " + file
            + " differs from the header of " + files.get(0) + "; files of one entity must have the same"
            + " columns (or be split into entities).");
      }
      return true;
    }

    @Override
    public ObjectNode next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      pending = false;
      RowReader row = parser;
      int fields = row.fieldCount();
      if (fields > columnCount) {
        throw new TaplineException(file + " line " + row.rowLine() + ": the row has " + fields
            + " fields but the header has " + columnCount + ". Check delimiter and quotes.");
      }
      JsonNode[] values = new JsonNode[layout.size()];
      int[] selected = selectedColumns;
      try {
        if (bytes != null) {
          for (int i = 0; i < selected.length; i++) {
            int column = selected[i];
            values[i] = column < fields ? convertBytes(column) : convert("", column);
          }
        } else {
          for (int i = 0; i < selected.length; i++) {
            int column = selected[i];
            values[i] = convert(column < fields ? row.text(column) : "", column);
          }
        }
      } catch (UncheckedIOException e) {
        throw unreadable(file, e.getCause());
      }
      if (metadataColumns) {
        values[selected.length] = fileName;
        values[selected.length + 1] = LongNode.valueOf(row.rowLine());
      }
      return layout.record(values);
    }

    /** Converts field {@code column} of the byte parser's row without making a String when it can. */
    private JsonNode convertBytes(int column) {
      ByteCsvParser row = bytes;
      int flags = row.flags(column);
      int start = row.start(column);
      int end = row.end(column);
      if ((flags & (ByteCsvParser.SPECIAL | ByteCsvParser.HIGH)) != 0 || start == end) {
        return convert(row.text(column), column);
      }
      byte[] buffer = row.buffer();
      switch (kinds[column]) {
        case STRING:
          if ((flags & ByteCsvParser.ESCAPE) == 0) {
            return new PlainTextNode(buffer, start, end - start);
          }
          return new TextNode(row.text(column));
        case INTEGER:
          if (end - start <= 18 && Values.isInteger(buffer, start, end)) {
            return LongNode.valueOf(Values.parseLong(buffer, start, end));
          }
          break;
        case NUMBER:
          long shape = Values.numberShape(buffer, start, end);
          if (shape >= 0 && (scales[column] < 0 || (shape & Values.EXPONENT) != 0
              || (Values.fractionDigits(shape) <= scales[column]
                  && Values.integerDigits(shape) <= integerDigits[column]))) {
            return new DecimalTextNode(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
          }
          break;
        case DATE:
          if (Values.hasDateShape(buffer, start, end)) {
            return new PlainTextNode(buffer, start, end - start);
          }
          break;
        case DATE_TIME:
          if (Values.hasDateTimeShape(buffer, start, end)) {
            return new PlainTextNode(buffer, start, end - start);
          }
          break;
        default:
          break;
      }
      return convert(row.text(column), column);
    }

    private JsonNode convert(String text, int column) {
      if (text.isEmpty()) {
        if (!nullable[column]) {
          throw mismatch(text, column, "empty: the column is a key, so it needs a value");
        }
        return NullNode.getInstance();
      }
      switch (kinds[column]) {
        case STRING:
          return new TextNode(text);
        case INTEGER:
          if (!Values.isInteger(text)) {
            throw mismatch(text, column, ColumnKind.INTEGER.description);
          }
          return text.length() <= 18 ? LongNode.valueOf(Long.parseLong(text))
              : BigIntegerNode.valueOf(new BigInteger(text));
        case NUMBER:
          long shape = Values.numberShape(text);
          if (shape < 0) {
            throw mismatch(text, column, ColumnKind.NUMBER.description);
          }
          Column declared = columns.get(column);
          if (declared.scale() >= 0 && (shape & Values.EXPONENT) == 0
              && (Values.fractionDigits(shape) > declared.scale()
                  || Values.integerDigits(shape) > declared.precision() - declared.scale())) {
            throw mismatch(text, column, "a number with at most " + declared.scale()
                + " digits after the point and " + (declared.precision() - declared.scale()) + " before it");
          }
          return new DecimalTextNode(text);
        case BOOLEAN:
          if (text.equalsIgnoreCase("true")) {
            return BooleanNode.TRUE;
          }
          if (text.equalsIgnoreCase("false")) {
            return BooleanNode.FALSE;
          }
          throw mismatch(text, column, ColumnKind.BOOLEAN.description);
        case DATE:
          if (!Values.hasDateShape(text)) {
            throw mismatch(text, column, ColumnKind.DATE.description);
          }
          return new TextNode(text);
        case DATE_TIME:
          if (!Values.hasDateTimeShape(text)) {
            throw mismatch(text, column, ColumnKind.DATE_TIME.description);
          }
          return new TextNode(text);
        default:
          throw new IllegalStateException("Unknown column kind " + kinds[column]);
      }
    }

    private TaplineException mismatch(String text, int column, String expected) {
      Column described = columns.get(column);
      String origin = described.declared() != null
          ? "as the entity's declared schema says"
          : "as inferred from the first " + sampleRows + " rows (declare the column's type in the"
              + " entity's \"schema\", or raise infer_sample_rows)";
      String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
      String problem = text.isEmpty() ? "the cell is " + expected : "'" + shown + "' is not " + expected;
      return new TaplineException(file + " line " + parser.rowLine() + ", column '" + described.header()
          + "' (" + described.name() + "): " + problem + ", " + origin + ".");
    }

    void close() {
      if (parser != null) {
        try {
          parser.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        parser = null;
      }
    }
  }
}
