// impala-ha: the two Hive metastore structures Beeswax's ResultsMetadata carries
// (from Hive's hive_metastore.thrift, as Impala includes it). Field ids match Hive's;
// nothing else of the metastore API is declared.

namespace js hive_metastore

struct FieldSchema {
  1: string name
  2: string type
  3: string comment
}

struct Schema {
  1: list<FieldSchema> fieldSchemas
  2: map<string, string> properties
}
