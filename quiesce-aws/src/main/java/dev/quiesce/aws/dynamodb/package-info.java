/**
 * DynamoDB stores: {@link dev.quiesce.aws.dynamodb.DynamoDbTallyStore} counts arrivals idempotently in
 * sharded items, {@link dev.quiesce.aws.dynamodb.DynamoDbObservationStore} keeps observations with their
 * outbox on one item each. Both use only single-item conditional writes (no {@code TransactWriteItems}),
 * create their tables with on-demand billing, and pass the core's store contracts against dynalite.
 *
 * <pre>{@code
 * DynamoDbTallyStore.createTable(client, "quiesce-tally");
 * DynamoDbObservationStore.createTable(client, "quiesce-observations");
 * var tallies = new DynamoDbTallyStore(client, "quiesce-tally", DynamoDbTallyStore.DEFAULT_SHARDS);
 * var observations = new DynamoDbObservationStore(client, "quiesce-observations");
 * Engine engine = Engine.builder().tallies(tallies).store(observations).build();
 * }</pre>
 */
package dev.quiesce.aws.dynamodb;
