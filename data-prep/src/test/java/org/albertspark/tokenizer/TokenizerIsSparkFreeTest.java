package org.albertspark.tokenizer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Scoring and other users embed the tokenizer without a cluster: nothing in {@code
 * org.albertspark.tokenizer} may depend on Spark, Scala or Hadoop, nor on the Spark-side packages
 * of this module.
 */
class TokenizerIsSparkFreeTest {

  @Test
  void tokenizerDependsOnNeitherSparkNorHadoop() {
    JavaClasses tokenizer =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.albertspark.tokenizer");
    noClasses()
        .that()
        .resideInAPackage("org.albertspark.tokenizer..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "scala..",
            "org.apache.hadoop..",
            "org.apache.parquet..",
            "org.albertspark.prep..",
            "org.albertspark.vocab..")
        .because("scoring embeds the tokenizer without Spark or Hadoop on the classpath")
        .check(tokenizer);
  }
}
