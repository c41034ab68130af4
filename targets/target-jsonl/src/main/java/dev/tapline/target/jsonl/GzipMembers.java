package dev.tapline.target.jsonl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Finds where the last complete gzip member of a file ends, so that a member cut short by a killed
 * run can be cut off before new members are appended (otherwise every reader would stop there).
 * Reads and inflates the whole file once, when a sink opens it.
 */
final class GzipMembers {

  private static final int CHUNK = 1 << 16;

  private GzipMembers() {}

  /** The length of the file's prefix made of complete, checksummed gzip members. */
  static long completeLength(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      long good = 0;
      byte[] input = new byte[CHUNK];
      byte[] output = new byte[CHUNK];
      while (good < size) {
        long end = memberEnd(channel, good, input, output);
        if (end < 0) {
          break;
        }
        good = end;
      }
      return good;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Where the member starting at {@code start} ends, or -1 when it is not complete and intact. */
  private static long memberEnd(FileChannel channel, long start, byte[] input, byte[] output) throws IOException {
    byte[] header = read(channel, start, 10);
    if (header == null || (header[0] & 0xff) != 0x1f || (header[1] & 0xff) != 0x8b || header[2] != 8) {
      return -1;
    }
    int flags = header[3] & 0xff;
    long position = start + 10;
    if ((flags & 4) != 0) {
      byte[] extra = read(channel, position, 2);
      if (extra == null) {
        return -1;
      }
      position += 2 + ((extra[0] & 0xff) | (extra[1] & 0xff) << 8);
    }
    for (int flag : new int[] {8, 16}) {
      if ((flags & flag) != 0) {
        position = afterZero(channel, position);
        if (position < 0) {
          return -1;
        }
      }
    }
    if ((flags & 2) != 0) {
      position += 2;
    }
    Inflater inflater = new Inflater(true);
    CRC32 crc = new CRC32();
    long inflated = 0;
    try {
      while (!inflater.finished()) {
        if (inflater.needsInput()) {
          int n = channel.read(ByteBuffer.wrap(input), position);
          if (n <= 0) {
            return -1;
          }
          inflater.setInput(input, 0, n);
          position += n;
        }
        int n = inflater.inflate(output);
        if (n == 0 && inflater.needsDictionary()) {
          return -1;
        }
        crc.update(output, 0, n);
        inflated += n;
      }
      position -= inflater.getRemaining();
    } catch (DataFormatException e) {
      return -1;
    } finally {
      inflater.end();
    }
    byte[] trailer = read(channel, position, 8);
    if (trailer == null) {
      return -1;
    }
    long storedCrc = littleEndian(trailer, 0);
    long storedSize = littleEndian(trailer, 4);
    if (storedCrc != crc.getValue() || storedSize != (inflated & 0xffffffffL)) {
      return -1;
    }
    return position + 8;
  }

  private static long littleEndian(byte[] bytes, int offset) {
    return (bytes[offset] & 0xffL) | (bytes[offset + 1] & 0xffL) << 8 | (bytes[offset + 2] & 0xffL) << 16
        | (bytes[offset + 3] & 0xffL) << 24;
  }

  private static long afterZero(FileChannel channel, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (channel.read(one, position++) <= 0) {
        return -1;
      }
      if (one.get(0) == 0) {
        return position;
      }
    }
  }

  private static byte[] read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) <= 0) {
        return null;
      }
    }
    return buffer.array();
  }
}
