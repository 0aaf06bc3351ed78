package org.albertspark.model.io;

import java.io.IOException;

/**
 * A safetensors file that breaks the format; the message names the file, the tensor and the
 * problem.
 */
public class SafeTensorsFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  public SafeTensorsFormatException(String message) {
    super(message);
  }

  public SafeTensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
