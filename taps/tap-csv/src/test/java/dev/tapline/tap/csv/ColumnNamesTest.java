package dev.tapline.tap.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnNamesTest {

  @Test
  void birdstrikesHeadersBecomeUsablePropertyNames() throws IOException {
    List<String> headers;
    try (InputStream in = getClass().getResourceAsStream("/vega-birdstrikes.csv");
        CsvParser parser = new CsvParser(new InputStreamReader(in, StandardCharsets.UTF_8), "birdstrikes", ',', '"')) {
      headers = List.of(parser.next());
    }
    assertEquals(List.of("airport_name", "aircraft_make_model", "effect_amount_of_damage", "flight_date",
        "aircraft_airline_operator", "origin_state", "phase_of_flight", "wildlife_size", "wildlife_species",
        "time_of_day", "cost_other", "cost_repair", "cost_total", "speed_ias_in_knots"), ColumnNames.of(headers));
  }

  @Test
  void leadingDigitsEmptyHeadersAccentsAndDuplicatesAreHandled() {
    assertEquals(List.of("_2024_total", "column_2", "grosse_zahl", "cost", "cost_2", "cost_3", "a__b"),
        ColumnNames.of(List.of("2024 Total", " $ ", "Grösse Zahl", "Cost", "COST", "cost ", "a__b")));
  }
}
