package dev.tapline.tap.csv;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.Tap;
import dev.tapline.tap.contract.TapContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class CsvTapContractTest extends TapContractTest {

  @Override
  protected Tap<?> newTap() {
    return new CsvTap();
  }

  @Override
  protected ObjectNode config(Path directory) throws IOException {
    Path orders = directory.resolve("orders.csv");
    Files.writeString(orders, """
        Order ID,Updated At,Amount €,Customer,Paid
        1,2024-01-03T10:00:00Z,10.50,"Smith, Ann",true
        2,2024-01-01T09:30:00Z,0.05,"Jones ""JJ"" Jo",false
        3,2024-01-02T00:00:00+02:00,,Lee,
        4,2024-01-03T10:00:00Z,1234.00,"two
        lines",true
        """);
    Path customers = directory.resolve("customers.csv");
    Files.writeString(customers, "id;name;since\r\n7;Ann;2020-02-29\r\n8;Bob;2021-03-01\r\n");
    return (ObjectNode) Json.parse("""
        {"files": [
          {"entity": "orders", "path": "%s", "keys": ["Order ID"], "replication_key": "updated_at"},
          {"entity": "customers", "path": "%s", "keys": ["id"], "delimiter": ";"}
        ]}""".formatted(orders.toString().replace("\\", "\\\\"), customers.toString().replace("\\", "\\\\")));
  }
}
