package dev.lanes.dsl.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a safetensors JSON header into {@link TensorInfo} entries and the metadata map, as
 * strictly as the reference implementation's serde types: a JSON object whose values are
 * tensor entries, except {@code __metadata__}, an object of strings (or null). A tensor entry
 * needs {@code dtype} (a string), {@code shape} (non-negative integers) and
 * {@code data_offsets} (two non-negative integers); other fields are ignored, as serde does.
 *
 * <p>Beyond the reference: the header must start with '{' (the reference defines this error,
 * InvalidHeaderStart, but does not enforce it yet); duplicate keys are an error (serde keeps
 * the last, which lets two readers disagree on one file); nesting is limited to
 * {@value #MAX_DEPTH} levels (a valid header needs 3), and numbers to
 * {@value #MAX_NUMBER_CHARS} characters.
 */
final class HeaderParser {
  static final int MAX_DEPTH = 32;
  static final int MAX_NUMBER_CHARS = 64;
  static final String METADATA = "__metadata__";
  /** Jackson names its own setting in limit messages; a user of Lanes cannot change it. */
  private static final Pattern JACKSON_NOTE = Pattern.compile(", from `[^`]*`");

  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // no symbol table: a hostile header cannot make it overflow, and names are read once
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_CHARS)
          // strings and names may be as long as the header itself (the header is bounded)
          .maxStringLength(SafetensorsReader.MAX_HEADER_BYTES)
          .maxNameLength(SafetensorsReader.MAX_HEADER_BYTES)
          .build())
      .build();

  private final String file;
  private final List<TensorInfo> tensors = new ArrayList<>();
  private Map<String, String> metadata = new LinkedHashMap<>();

  private HeaderParser(String file) {
    this.file = file;
  }

  /** The parsed header: tensors in header order, and the metadata (empty if absent or null). */
  record Header(List<TensorInfo> tensors, Map<String, String> metadata) {}

  static Header parse(byte[] header, String file) throws ModelFormatException {
    int bad = Utf8.firstInvalid(header);
    if (bad >= 0) {
      throw new ModelFormatException(file, "the header is not valid UTF-8 (at header byte "
          + bad + ")");
    }
    if (header.length == 0 || header[0] != '{') {
      // the reference's InvalidHeaderStart rule (defined, not yet enforced there): no
      // byte-order mark, no leading space, no other kind of JSON value
      throw new ModelFormatException(file, "the header does not start with '{'");
    }
    HeaderParser p = new HeaderParser(file);
    JsonParser json = null;
    try {
      json = JSON.createParser(header);
      p.readRoot(json);
    } catch (ModelFormatException e) {
      throw e;
    } catch (JsonProcessingException e) {
      // limit violations carry no location of their own: take the parser's
      long at = offset(e.getLocation());
      at = at >= 0 || json == null ? at : offset(json.currentLocation());
      throw new ModelFormatException(file, "the header is not valid JSON (at header byte " + at
          + "): " + JACKSON_NOTE.matcher(e.getOriginalMessage()).replaceAll(""), e);
    } catch (IOException | RuntimeException e) {
      // Jackson reads from an array here, so nothing else is expected; stay a format error
      throw new ModelFormatException(file, "the header could not be parsed: " + e, e);
    } finally {
      closeQuietly(json);
    }
    return new Header(p.tensors, p.metadata);
  }

  private static void closeQuietly(JsonParser json) {
    if (json != null) {
      try {
        json.close();
      } catch (IOException e) {
        // an array source has nothing to release
      }
    }
  }

  private void readRoot(JsonParser json) throws IOException {
    json.nextToken(); // '{', checked above
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      JsonToken value = json.nextToken();
      if (name.equals(METADATA)) {
        readMetadata(json, value);
      } else {
        tensors.add(readTensor(json, value, name));
      }
    }
    if (json.nextToken() != null) {
      throw error("there is more after the header's JSON object (at header byte "
          + offset(json.currentLocation()) + ")");
    }
  }

  private void readMetadata(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_OBJECT) {
      throw error(METADATA + " must be an object of strings, got " + describe(json));
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String key = json.currentName();
      if (json.nextToken() != JsonToken.VALUE_STRING) {
        throw error(METADATA + " '" + key + "': values must be strings, got " + describe(json));
      }
      metadata.put(key, json.getText());
    }
  }

  private TensorInfo readTensor(JsonParser json, JsonToken value, String name)
      throws IOException {
    if (value != JsonToken.START_OBJECT) {
      throw error("tensor '" + name + "': expected an object with dtype, shape and"
          + " data_offsets, got " + describe(json));
    }
    String dtypeName = null;
    long[] shape = null;
    long[] offsets = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken v = json.nextToken();
      switch (field) {
        case "dtype" -> {
          if (v != JsonToken.VALUE_STRING) {
            throw error("tensor '" + name + "': dtype must be a string, got " + describe(json));
          }
          dtypeName = json.getText();
        }
        case "shape" -> shape = readNaturals(json, v, name, "shape");
        case "data_offsets" -> offsets = readNaturals(json, v, name, "data_offsets");
        default -> json.skipChildren(); // unknown fields are ignored, as by the reference
      }
    }
    if (dtypeName == null || shape == null || offsets == null) {
      throw error("tensor '" + name + "': missing "
          + (dtypeName == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
    }
    if (offsets.length != 2) {
      throw error("tensor '" + name + "': data_offsets must be [begin, end], got "
          + offsets.length + " numbers");
    }
    Dtype dtype = Dtype.parse(dtypeName);
    if (dtype == null) {
      throw error("tensor '" + name + "': unknown dtype '" + dtypeName + "'");
    }
    if (!dtype.isReadable()) {
      throw error("tensor '" + name + "': dtype " + dtype + " is not supported; Lanes reads"
          + " F32, F16, BF16 and F64");
    }
    int[] dims = new int[shape.length];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      // the running product must stay an int, as Shape requires, so long never overflows
      count *= shape[i];
      if (shape[i] > Integer.MAX_VALUE || count > Integer.MAX_VALUE) {
        throw error("tensor '" + name + "': shape " + Arrays.toString(shape) + " has more than "
            + Integer.MAX_VALUE + " elements, the most a Lanes tensor holds");
      }
      dims[i] = (int) shape[i];
    }
    return new TensorInfo(name, dtype, dims, (int) count, offsets[0], offsets[1],
        tensors.size());
  }

  /** A JSON array of non-negative integers that fit a long. */
  private long[] readNaturals(JsonParser json, JsonToken v, String name, String field)
      throws IOException {
    String what = "tensor '" + name + "': " + field;
    if (v != JsonToken.START_ARRAY) {
      throw error(what + " must be an array of non-negative integers, got " + describe(json));
    }
    long[] values = new long[4];
    int n = 0;
    JsonToken t;
    while ((t = json.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT) {
        throw error(what + " must hold non-negative integers, got " + describe(json));
      }
      if (json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw error(what + " holds " + json.getText() + ", which is too large");
      }
      long x = json.getLongValue();
      if (x < 0) {
        throw error(what + " holds " + x + ", which is negative");
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, 2 * n); // grows with the header, which is bounded
      }
      values[n++] = x;
    }
    return Arrays.copyOf(values, n);
  }

  private ModelFormatException error(String what) {
    return new ModelFormatException(file, what);
  }

  private static String describe(JsonParser json) throws IOException {
    JsonToken t = json.currentToken();
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "the string \"" + abbreviate(json.getText()) + "\"";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + abbreviate(json.getText());
      case VALUE_TRUE, VALUE_FALSE -> json.getText();
      case VALUE_NULL -> "null";
      default -> String.valueOf(t);
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static long offset(JsonLocation at) {
    if (at == null) {
      return -1;
    }
    return at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
  }
}
