package dev.tapline.target.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapline.spec.ConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlNamesTest {

  private final SqlNames names = new SqlNames(63);

  @Test
  void lowerCasesAndReplacesCharactersOutsideTheSafeSet() {
    assertEquals("camelcasecolumn", names.safe("camelcaseColumn"));
    assertEquals("minus_column", names.safe("minus-column"));
    assertEquals("table_with_space_and_uppercase", names.safe("table with space and UPPERCase"));
    assertEquals("cost_total__", names.safe("Cost Total $"));
    assertEquals("_1st", names.safe("1st"));
    assertEquals("_", names.safe(""));
    assertEquals("caf_", names.safe("café"));
  }

  @Test
  void reservedWordsStayAsTheyAreBecauseNamesAreAlwaysQuoted() {
    assertEquals("order", names.safe("order"));
    assertEquals("\"order\"", new GenericSqlDialect().quote("order"));
    assertEquals("\"a\"\"b\"", new GenericSqlDialect().quote("a\"b"));
  }

  @Test
  void longNamesAreCutAndEndWithAStableHash() {
    String longName = "a_property_name_that_is_much_longer_than_what_postgresql_accepts_in_an_identifier";
    String safe = names.safe(longName);
    assertEquals(63, safe.length());
    assertEquals(safe, names.safe(longName), "stable from run to run");
    String other = names.safe(longName + "_2");
    assertTrue(!safe.equals(other), "names differing after the cut stay different");
    assertTrue(safe.matches("[a-z0-9_]+_[0-9a-f]{8}"), safe);
  }

  @Test
  void collidingPropertiesAreAnError() {
    ConfigurationException error = assertThrows(ConfigurationException.class,
        () -> names.columns("orders", List.of("Total", "total")));
    assertTrue(error.getMessage().contains("'Total' and 'total'"), error.getMessage());
    assertTrue(error.getMessage().contains("orders"), error.getMessage());
  }

  @Test
  void streamNamesMapToSchemaAndTable() {
    assertEquals(new TableName("public", "orders"), names.table("orders", null, Map.of(), "public"));
    assertEquals(new TableName("analytics", "orders"), names.table("orders", "analytics", Map.of(), "public"));
    assertEquals(new TableName("tap_mysql_test", "test_table_one"),
        names.table("tap_mysql_test-test_table_one", null, Map.of(), "public"));
    assertEquals(new TableName("raw", "test_table_one"),
        names.table("tap_mysql_test-test_table_one", "raw", Map.of(), "public"));
    assertEquals(new TableName("mysql_copy", "test_table_one"),
        names.table("tap_mysql_test-test_table_one", "raw", Map.of("tap_mysql_test", "mysql_copy"), "public"));
    assertEquals(new TableName("my_db", "table_with_space"), names.table("my_db-Table With Space", null, Map.of(), "main"));
  }
}
