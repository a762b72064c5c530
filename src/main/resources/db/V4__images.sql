-- V4: tables of the images stage (dev.airlock.store.ImageStore). Owned by that stage; later
-- changes go into new migrations. Digests are 'sha256:<hex>' strings.
CREATE TABLE image (
  digest VARCHAR(140) PRIMARY KEY,
  media_type VARCHAR(255) NOT NULL,
  size BIGINT NOT NULL,
  source VARCHAR(2000) NOT NULL,
  imported_at TIMESTAMP WITH TIME ZONE NOT NULL,
  decision VARCHAR(20),
  reasons VARCHAR(4000),
  verdict CLOB,
  decided_at TIMESTAMP WITH TIME ZONE
);
CREATE TABLE image_reference (
  digest VARCHAR(140) NOT NULL REFERENCES image(digest) ON DELETE CASCADE,
  reference VARCHAR(700) NOT NULL,
  repository VARCHAR(600) NOT NULL,
  PRIMARY KEY (digest, reference)
);
CREATE INDEX image_reference_by_reference ON image_reference(reference);
CREATE INDEX image_reference_by_repository ON image_reference(repository);
CREATE TABLE image_platform (
  digest VARCHAR(140) NOT NULL REFERENCES image(digest) ON DELETE CASCADE,
  position INT NOT NULL,
  child_digest VARCHAR(140) NOT NULL,
  media_type VARCHAR(255) NOT NULL,
  size BIGINT NOT NULL,
  platform VARCHAR(200),
  PRIMARY KEY (digest, position)
);
CREATE TABLE image_blob (
  digest VARCHAR(140) NOT NULL REFERENCES image(digest) ON DELETE CASCADE,
  position INT NOT NULL,
  blob_digest VARCHAR(140) NOT NULL,
  media_type VARCHAR(255) NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (digest, position)
);
CREATE TABLE image_signature (
  digest VARCHAR(140) NOT NULL REFERENCES image(digest) ON DELETE CASCADE,
  position INT NOT NULL,
  kind VARCHAR(40) NOT NULL,
  subject_digest VARCHAR(140) NOT NULL,
  carrier_digest VARCHAR(140) NOT NULL,
  layer_media_type VARCHAR(255) NOT NULL,
  layer_digest VARCHAR(140) NOT NULL,
  layer_size BIGINT NOT NULL,
  layer_annotations CLOB NOT NULL,
  PRIMARY KEY (digest, position)
);
