-- Confluence database schema on PostgreSQL: the subset a data export reads, as confluence-mysql.sql on MySQL.
-- Core and Crowd tables and their columns are lower case and unquoted; the plugin (AO) table keeps its
-- upper-case, quoted name and columns. Dates are timestamp without time zone, ids bigint, long texts text.
-- No foreign keys: real sites hold dangling references.
-- Create the database with ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0.

CREATE TABLE spaces (
  spaceid       bigint       NOT NULL,
  spacename     varchar(255) DEFAULT NULL,
  spacekey      varchar(255) NOT NULL,
  lowerspacekey varchar(255) NOT NULL,
  spacedescid   bigint       DEFAULT NULL,
  homepage      bigint       DEFAULT NULL,
  creator       varchar(255) DEFAULT NULL,
  creationdate  timestamp    DEFAULT NULL,
  lastmodifier  varchar(255) DEFAULT NULL,
  lastmoddate   timestamp    DEFAULT NULL,
  spacetype     varchar(255) DEFAULT NULL,   -- 'global' | 'personal'
  spacestatus   varchar(255) DEFAULT NULL,   -- 'CURRENT' | 'ARCHIVED'
  CONSTRAINT spaces_pkey PRIMARY KEY (spaceid),
  CONSTRAINT uk_spaces_spacekey UNIQUE (spacekey)
);

CREATE TABLE content (
  contentid        bigint       NOT NULL,
  hibernateversion integer      NOT NULL DEFAULT 0,
  contenttype      varchar(255) NOT NULL,
  title            varchar(255) DEFAULT NULL,
  lowertitle       varchar(255) DEFAULT NULL,
  version          integer      DEFAULT NULL,
  creator          varchar(255) DEFAULT NULL,
  creationdate     timestamp    DEFAULT NULL,
  lastmodifier     varchar(255) DEFAULT NULL,
  lastmoddate      timestamp    DEFAULT NULL,
  versioncomment   text,
  prevver          bigint       DEFAULT NULL,
  content_status   varchar(255) DEFAULT NULL,
  pageid           bigint       DEFAULT NULL,
  spaceid          bigint       DEFAULT NULL,
  child_position   integer      DEFAULT NULL,
  parentid         bigint       DEFAULT NULL,
  pluginkey        varchar(255) DEFAULT NULL,
  pluginver        varchar(255) DEFAULT NULL,
  parentccid       bigint       DEFAULT NULL,
  draftpageid      varchar(255) DEFAULT NULL,
  draftspacekey    varchar(255) DEFAULT NULL,
  drafttype        varchar(255) DEFAULT NULL,
  draftpageversion integer      DEFAULT NULL,
  parentcommentid  bigint       DEFAULT NULL,
  username         varchar(255) DEFAULT NULL,
  CONSTRAINT content_pkey PRIMARY KEY (contentid)
);
CREATE INDEX c_spaceid_idx ON content (spaceid);
CREATE INDEX c_parentid_idx ON content (parentid);
CREATE INDEX c_pageid_idx ON content (pageid);
CREATE INDEX c_prevver_idx ON content (prevver);
CREATE INDEX c_parentcommid_idx ON content (parentcommentid);
CREATE INDEX c_ltitle_idx ON content (lowertitle);
CREATE INDEX c_si_ct_pv_cs_cd_idx ON content (spaceid, contenttype, prevver, content_status, creationdate);

CREATE TABLE bodycontent (
  bodycontentid bigint   NOT NULL,
  body          text,
  contentid     bigint   DEFAULT NULL,
  bodytypeid    smallint DEFAULT NULL,        -- 0 wiki, 1 raw, 2 xhtml/storage
  CONSTRAINT bodycontent_pkey PRIMARY KEY (bodycontentid)
);
CREATE INDEX body_content_idx ON bodycontent (contentid);

CREATE TABLE confancestors (
  descendentid     bigint  NOT NULL,
  ancestorposition integer NOT NULL,
  ancestorid       bigint  NOT NULL,
  CONSTRAINT confancestors_pkey PRIMARY KEY (descendentid, ancestorposition)
);
CREATE INDEX c_ancestorid_idx ON confancestors (ancestorid);

CREATE TABLE contentproperties (
  propertyid   bigint       NOT NULL,
  propertyname varchar(255) NOT NULL,
  stringval    varchar(255) DEFAULT NULL,
  longval      bigint       DEFAULT NULL,
  dateval      timestamp    DEFAULT NULL,
  contentid    bigint       DEFAULT NULL,
  CONSTRAINT contentproperties_pkey PRIMARY KEY (propertyid)
);
CREATE INDEX c_contentproperties_idx ON contentproperties (contentid);
CREATE INDEX content_prop_name_idx ON contentproperties (propertyname);

CREATE TABLE label (
  labelid      bigint       NOT NULL,
  name         varchar(255) DEFAULT NULL,
  owner        varchar(255) DEFAULT NULL,
  namespace    varchar(255) DEFAULT NULL,   -- 'global' | 'my' | 'team' | 'system'
  creationdate timestamp    DEFAULT NULL,
  lastmoddate  timestamp    DEFAULT NULL,
  CONSTRAINT label_pkey PRIMARY KEY (labelid)
);

CREATE TABLE content_label (
  id             bigint       NOT NULL,
  labelid        bigint       NOT NULL,
  contentid      bigint       DEFAULT NULL,
  pagetemplateid bigint       DEFAULT NULL,
  owner          varchar(255) DEFAULT NULL,
  creationdate   timestamp    DEFAULT NULL,
  lastmoddate    timestamp    DEFAULT NULL,
  labelableid    bigint       DEFAULT NULL,
  labelabletype  varchar(255) DEFAULT NULL, -- 'CONTENT' | 'ATTACHMENT' | 'PAGETEMPLATE'
  CONSTRAINT content_label_pkey PRIMARY KEY (id)
);
CREATE INDEX cl_contentid_idx ON content_label (contentid);
CREATE INDEX cl_labelid_idx ON content_label (labelid);
CREATE INDEX cl_labelable_idx ON content_label (labelableid, labelabletype);

CREATE TABLE user_mapping (
  user_key       varchar(255) NOT NULL,
  username       varchar(255) NOT NULL,
  lower_username varchar(255) DEFAULT NULL,
  CONSTRAINT user_mapping_pkey PRIMARY KEY (user_key),
  CONSTRAINT unq_lwr_username UNIQUE (lower_username)
);

CREATE TABLE cwd_directory (
  id                   bigint       NOT NULL,
  directory_name       varchar(255) NOT NULL,
  lower_directory_name varchar(255) NOT NULL,
  created_date         timestamp    NOT NULL,
  updated_date         timestamp    NOT NULL,
  active               char(1)      NOT NULL,   -- 'T' | 'F'
  description          varchar(255) DEFAULT NULL,
  impl_class           varchar(255) NOT NULL,
  lower_impl_class     varchar(255) NOT NULL,
  directory_type       varchar(32)  NOT NULL,
  CONSTRAINT cwd_directory_pkey PRIMARY KEY (id),
  CONSTRAINT uk_cwd_directory_lname UNIQUE (lower_directory_name)
);

CREATE TABLE cwd_user (
  id                  bigint       NOT NULL,
  user_name           varchar(255) NOT NULL,
  lower_user_name     varchar(255) NOT NULL,
  active              char(1)      NOT NULL,   -- 'T' | 'F'
  created_date        timestamp    NOT NULL,
  updated_date        timestamp    NOT NULL,
  first_name          varchar(255) DEFAULT NULL,
  lower_first_name    varchar(255) DEFAULT NULL,
  last_name           varchar(255) DEFAULT NULL,
  lower_last_name     varchar(255) DEFAULT NULL,
  display_name        varchar(255) DEFAULT NULL,
  lower_display_name  varchar(255) DEFAULT NULL,
  email_address       varchar(255) DEFAULT NULL,
  lower_email_address varchar(255) DEFAULT NULL,
  external_id         varchar(255) DEFAULT NULL,
  directory_id        bigint       NOT NULL,
  credential          varchar(255) DEFAULT NULL,
  CONSTRAINT cwd_user_pkey PRIMARY KEY (id),
  CONSTRAINT cwd_user_name_dir_id UNIQUE (lower_user_name, directory_id)
);
CREATE INDEX idx_user_lower_user_name ON cwd_user (lower_user_name);
CREATE INDEX idx_user_lower_email_address ON cwd_user (lower_email_address, directory_id);

CREATE TABLE journalentry (
  entry_id     bigint        NOT NULL,
  journal_name varchar(255)  DEFAULT NULL,      -- 'main_index' | 'change_index' | 'edge_index'
  creationdate timestamp     DEFAULT NULL,
  type         varchar(255)  DEFAULT NULL,
  message      varchar(2047) DEFAULT NULL,
  CONSTRAINT journalentry_pkey PRIMARY KEY (entry_id)
);

CREATE TABLE "AO_7B47A5_EVENT" (
  "CONTAINER_ID"              bigint       DEFAULT 0,
  "CONTENT_ID"                bigint       DEFAULT NULL,
  "EVENT_AT"                  bigint       NOT NULL DEFAULT 0,   -- epoch ms
  "ID"                        bigserial    NOT NULL,
  "NAME"                      varchar(255) NOT NULL,
  "SPACE_KEY"                 varchar(255) DEFAULT NULL,
  "USER_KEY"                  varchar(255) DEFAULT NULL,
  "VERSION_MODIFICATION_DATE" bigint       DEFAULT NULL,
  CONSTRAINT "AO_7B47A5_EVENT_pkey" PRIMARY KEY ("ID")
);
CREATE INDEX index_ao_7b47a5_eve1148682696 ON "AO_7B47A5_EVENT" ("NAME", "CONTAINER_ID", "EVENT_AT");
CREATE INDEX index_ao_7b47a5_eve1927422530 ON "AO_7B47A5_EVENT" ("EVENT_AT", "ID");
CREATE INDEX index_ao_7b47a5_eve2068276537 ON "AO_7B47A5_EVENT" ("NAME", "SPACE_KEY", "EVENT_AT");
CREATE INDEX index_ao_7b47a5_eve731223880 ON "AO_7B47A5_EVENT" ("SPACE_KEY");
