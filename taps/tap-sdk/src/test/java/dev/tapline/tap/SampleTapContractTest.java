package dev.tapline.tap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapline.spec.Json;
import dev.tapline.tap.contract.TapContractTest;
import java.nio.file.Path;

class SampleTapContractTest extends TapContractTest {

  @Override
  protected Tap<?> newTap() {
    return new SampleTap();
  }

  @Override
  protected ObjectNode config(Path directory) {
    ObjectNode config = Json.object();
    config.put("api_token", "s3cr3t-token-value");
    config.put("rows", 30);
    return config;
  }
}
