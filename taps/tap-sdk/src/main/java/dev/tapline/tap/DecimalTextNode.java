package dev.tapline.tap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * An exact number kept as the text it was read from (for example a CSV cell {@code 12.50}), so it
 * is written out digit for digit without a {@code BigDecimal} round trip. Reading it as a number
 * ({@link #decimalValue()} and friends) parses the text once, lazily.
 *
 * <p>The text must be a JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. The
 * constructor does not check it (the caller has, while deciding the value is a number).
 */
public final class DecimalTextNode extends NumericNode {

  private static final long serialVersionUID = 1L;

  private final String text;
  private transient BigDecimal value;

  public DecimalTextNode(String text) {
    this.text = Objects.requireNonNull(text, "text");
  }

  /** The number as written. */
  public String text() {
    return text;
  }

  @Override
  public JsonToken asToken() {
    return JsonToken.VALUE_NUMBER_FLOAT;
  }

  @Override
  public JsonParser.NumberType numberType() {
    return JsonParser.NumberType.BIG_DECIMAL;
  }

  @Override
  public boolean isFloatingPointNumber() {
    return true;
  }

  @Override
  public boolean isBigDecimal() {
    return true;
  }

  @Override
  public Number numberValue() {
    return decimalValue();
  }

  @Override
  public int intValue() {
    return decimalValue().intValue();
  }

  @Override
  public long longValue() {
    return decimalValue().longValue();
  }

  @Override
  public double doubleValue() {
    return decimalValue().doubleValue();
  }

  @Override
  public BigDecimal decimalValue() {
    BigDecimal parsed = value;
    if (parsed == null) {
      parsed = new BigDecimal(text);
      value = parsed;
    }
    return parsed;
  }

  @Override
  public BigInteger bigIntegerValue() {
    return decimalValue().toBigInteger();
  }

  @Override
  public boolean canConvertToInt() {
    BigDecimal number = decimalValue();
    return number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
        && number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
  }

  @Override
  public boolean canConvertToLong() {
    BigDecimal number = decimalValue();
    return number.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
        && number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
  }

  @Override
  public String asText() {
    return text;
  }

  @Override
  public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
    generator.writeNumber(text);
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    if (other instanceof DecimalTextNode node) {
      return text.equals(node.text) || decimalValue().equals(node.decimalValue());
    }
    return other instanceof NumericNode node
        && node.isBigDecimal()
        && decimalValue().equals(node.decimalValue());
  }

  @Override
  public int hashCode() {
    return decimalValue().hashCode();
  }
}
