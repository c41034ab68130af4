package dev.tapline.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamFileNamesTest {

  @Test
  void keepsOrdinaryNames() {
    assertEquals("tap_mysql_test-test_table_one", StreamFileNames.of("tap_mysql_test-test_table_one"));
    assertEquals("public.orders", StreamFileNames.of("public.orders"));
    assertEquals("Straße_東京", StreamFileNames.of("Straße_東京"));
  }

  @Test
  void replacesSeparatorsSpacesAndControlCharacters() {
    assertEquals("my_db-table_with_space_and_UPPERCase", StreamFileNames.of("my_db-table with space and UPPERCase"));
    assertEquals("a_b_c_d_e", StreamFileNames.of("a/b\\c:d\te"));
    assertEquals("x_y", StreamFileNames.of("x\u0000y"));
  }

  @Test
  void neverLeavesTheFolderNorHides() {
    assertEquals("_..", StreamFileNames.of(".."));
    assertEquals("_.", StreamFileNames.of("."));
    assertEquals("_.._.._etc_passwd", StreamFileNames.of("../../etc/passwd"));
    assertEquals("_.hidden", StreamFileNames.of(".hidden"));
    assertEquals("_", StreamFileNames.of(""));
  }

  @Test
  void cutsLongNamesTo200Bytes() {
    String name = StreamFileNames.of("é".repeat(150));
    assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 200);
    assertEquals(100, name.length());
  }
}
